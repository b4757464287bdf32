import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { referenceEvaluator, type Trace } from '../../eval/index.js';
import {
  decidingFact,
  EndpointDirectory,
  parseFlows,
  renderTraceText,
  resolveFlow,
  RuleLookup,
  traceToJson,
  type FlowSpec,
} from '../../explain/index.js';
import { formatText } from '../../lint/index.js';
import type { ResolvedFlow } from '../../eval/index.js';
import { EXIT, UserError } from '../errors.js';
import { useColor, type Io } from '../io.js';
import { loadValidModel, modelOptionsFromFlags, planFromFlags, type PlanFlags } from '../model.js';
import { oneOf } from './options.js';
import { addPlanOptions } from './plan-options.js';

interface TestFlags extends PlanFlags {
  expect: string;
  format: 'text' | 'json' | 'junit';
  endpointToHostAction: 'drop' | 'accept' | 'return';
  allowUnsupported?: boolean;
  verbose?: boolean;
}

interface Outcome {
  spec: FlowSpec;
  flow: ResolvedFlow;
  trace: Trace;
  passed: boolean;
}

function flowName(spec: FlowSpec): string {
  return spec.name ?? `${spec.src} -> ${spec.dst} ${spec.protocol}${spec.port !== undefined ? `/${spec.port}` : ''}`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

function junit(outcomes: Outcome[], lookup: RuleLookup, file: string): string {
  const failures = outcomes.filter((o) => !o.passed).length;
  const cases = outcomes.map((o) => {
    const name = escapeXml(flowName(o.spec));
    const location = `${o.spec.span.file}:${o.spec.span.line}`;
    if (o.passed) return `    <testcase classname="calpol" name="${name}" file="${escapeXml(location)}"/>`;
    const message = `expected ${o.spec.expect}, got ${o.trace.verdict}: ${decidingFact(o.trace, o.flow, lookup)}`;
    const body = renderTraceText(o.trace, o.flow, lookup, { color: false });
    return `    <testcase classname="calpol" name="${name}" file="${escapeXml(location)}">\n      <failure message="${escapeXml(message)}">${escapeXml(body)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${outcomes.length}" failures="${failures}">`,
    `  <testsuite name="${escapeXml(file)}" tests="${outcomes.length}" failures="${failures}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

async function readFlows(file: string, io: Io): Promise<FlowSpec[]> {
  let text: string;
  try {
    text = file === '-' ? new TextDecoder().decode(await io.readStdin()) : await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const parsed = parseFlows(file === '-' ? '<stdin>' : file, text);
  if (!parsed.ok) throw new UserError(formatText(parsed.errors, { color: false }).trimEnd());
  const missing = parsed.flows.filter((flow) => flow.expect === undefined);
  if (missing.length > 0) {
    throw new UserError(missing.map((f) => `${f.span.file}:${f.span.line}:${f.span.column}: error invalid-flow: missing "expect" (allow or deny)`).join('\n'));
  }
  return parsed.flows;
}

export function registerTest(program: Command, io: Io, setExit: (code: number) => void): void {
  const command = program
    .command('test')
    .description('Policy unit tests: check that each flow in a file gets its expected verdict.')
    .argument('<paths...>', 'policy and inventory files or directories')
    .requiredOption('--expect <file>', 'YAML or JSON list of flows, each with expect: allow|deny')
    .option('-f, --format <format>', 'text, json or junit', oneOf(['text', 'json', 'junit'] as const), 'text')
    .option('-v, --verbose', 'explain every flow (text), not only the failing ones');
  addPlanOptions(command)
    .addHelpText('after', '\nExit codes: 0 every flow as expected, 1 some flow not, 2 usage or input error.')
    .action(async (paths: string[], flags: TestFlags) => {
      const model = await loadValidModel(paths, io, modelOptionsFromFlags(flags));
      const specs = await readFlows(flags.expect, io);
      const plan = planFromFlags(model, flags);
      const directory = new EndpointDirectory(model.inventory);
      const evaluator = referenceEvaluator(plan, { endpointToHostAction: flags.endpointToHostAction });
      const errors: string[] = [];
      const outcomes: Outcome[] = [];
      for (const spec of specs) {
        const resolved = resolveFlow(spec, directory);
        if (!resolved.ok) {
          errors.push(...resolved.errors.map((e) => `${e.span?.file}:${e.span?.line}:${e.span?.column}: error ${e.code}: ${e.message}`));
          continue;
        }
        const trace = evaluator.evaluate(resolved.flow);
        outcomes.push({ spec, flow: resolved.flow, trace, passed: trace.verdict === spec.expect });
      }
      if (errors.length > 0) throw new UserError(errors.join('\n'));
      const lookup = new RuleLookup(model.policySet);
      const failed = outcomes.filter((o) => !o.passed);
      if (flags.format === 'junit') io.stdout(junit(outcomes, lookup, flags.expect));
      else if (flags.format === 'json') {
        const results = outcomes.map((o) => ({ name: flowName(o.spec), expect: o.spec.expect, verdict: o.trace.verdict, passed: o.passed, location: `${o.spec.span.file}:${o.spec.span.line}`, trace: o.passed ? undefined : traceToJson(o.trace, o.flow, lookup) }));
        io.stdout(JSON.stringify({ results, summary: { passed: outcomes.length - failed.length, failed: failed.length } }, null, 2) + '\n');
      } else {
        for (const o of flags.verbose ? outcomes : failed) {
          const status = o.passed ? 'PASS' : 'FAIL';
          io.stdout(`${status} ${flowName(o.spec)} (${o.spec.span.file}:${o.spec.span.line}): expected ${o.spec.expect}, got ${o.trace.verdict}\n`);
          io.stdout(renderTraceText(o.trace, o.flow, lookup, { color: useColor(io) }).replace(/^(?=.)/gm, '    ') + '\n');
        }
        io.stdout(`${outcomes.length - failed.length} passed, ${failed.length} failed\n`);
      }
      setExit(failed.length === 0 ? EXIT.ok : EXIT.findings);
    });
}
