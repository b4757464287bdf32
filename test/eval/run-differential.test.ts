import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticSpan } from '../../src/diag/index.js';
import { referenceEvaluator, runFlow, type ReferenceEvaluator, type ResolvedFlow, type RunFlowResult, type Trace } from '../../src/eval/index.js';
import { EndpointDirectory, parseFlows, resolveFlow, type FlowSpec } from '../../src/explain/index.js';
import { loadModel, type Endpoint } from '../../src/model/index.js';
import { buildTierPlan, type TierPlan } from '../../src/tiers/index.js';
import { nodeEvaluators, type NodeEvaluators } from './run-helpers.js';

/**
 * docs/design.md: the reference evaluator (over the tier plan) and the evaluator of the
 * emitted ruleset (over the IR built from the same plan, and over that IR emitted as nft
 * JSON and decoded back) must agree on every verdict.
 * Examples' own flows, then every endpoint pair (and external addresses) × a few probes.
 */

const root = join(import.meta.dirname, '..', '..');
const examplesDir = join(root, 'examples');

type Flow = Omit<FlowSpec, 'span' | 'fieldSpans'>;

interface Subject {
  plan: TierPlan;
  reference: ReferenceEvaluator;
  evaluators: NodeEvaluators;
}

function subjectOf(files: { file: string; text: string }[]): Subject {
  const model = loadModel(files.map(({ file, text }) => ({ file, bytes: new TextEncoder().encode(text) })));
  const plan = buildTierPlan(model.policySet, model.inventory);
  return { plan, reference: referenceEvaluator(plan), evaluators: nodeEvaluators(plan) };
}

function describeReference(trace: Trace): string {
  return trace.stages.map((stage) => `    ${stage.title}: ${stage.outcome}`).join('\n');
}

function describeRun(result: RunFlowResult): string {
  return result.traversals
    .map((trace, index) => {
      const hits = trace.rulesHit.map((hit) => `      ${hit.chain}[${hit.index}] ${hit.origin.id}`).join('\n');
      const bases = trace.baseChains.map((base) => `${base.table}/${base.hook}:${base.outcome}`).join(' ');
      return `    traversal ${index}: ${trace.verdict} (${bases})\n${hits}`;
    })
    .join('\n');
}

/** Evaluates flows both ways; returns one description per disagreement. */
function disagreements(subject: Subject, flows: Flow[]): { compared: number; denied: number; differences: string[] } {
  const directory = new EndpointDirectory(subject.plan.inventory);
  const differences: string[] = [];
  let compared = 0;
  let denied = 0;
  for (const flow of flows) {
    const resolved = resolveFlow({ ...flow, span: syntheticSpan('<test>'), fieldSpans: {} }, directory);
    // Flows that do not resolve (e.g. a family an endpoint lacks) have no verdict on either side;
    // an example's own flows that do not resolve are test/examples.test.ts's business.
    if (!resolved.ok) continue;
    compared++;
    const reference = subject.reference.evaluate(resolved.flow);
    for (const target of ['ir', 'nft'] as const) {
      const ran = runFlow(subject.evaluators[target], resolved.flow);
      if (target === 'ir' && ran.verdict === 'deny') denied++;
      if (reference.verdict === ran.verdict && (flow.expect === undefined || flow.expect === reference.verdict)) continue;
      differences.push(
        `${describeFlow(flow, resolved.flow)}: reference ${reference.verdict}, run over ${target === 'ir' ? 'the IR' : 'the decoded nft JSON'} ${ran.verdict}${flow.expect ? `, expected ${flow.expect}` : ''}\n` +
          `  reference:\n${describeReference(reference)}\n  run:\n${describeRun(ran)}`,
      );
    }
  }
  return { compared, denied, differences };
}

function describeFlow(flow: Flow, resolved: ResolvedFlow): string {
  const packet = resolved.packet;
  const port = packet.destinationPort === undefined ? '' : `/${packet.destinationPort}`;
  return `${flow.name ? `"${flow.name}" ` : ''}${flow.src} -> ${flow.dst} proto ${packet.protocol}${port}`;
}

const PROBES: Pick<Flow, 'protocol' | 'port'>[] = [
  { protocol: 'TCP', port: 80 },
  { protocol: 'TCP', port: 22 },
  { protocol: 'TCP', port: 6379 },
  { protocol: 'UDP', port: 53 },
  { protocol: 'ICMP' },
  { protocol: 'ICMPv6' },
];
const EXTERNAL = ['198.51.100.10', '2001:db8::10'];

function endpointName(endpoint: Endpoint): string {
  return endpoint.kind === 'host' ? `hep:${endpoint.name}` : `${endpoint.namespace ?? ''}/${endpoint.name}`;
}

/** Every ordered pair of endpoints and external addresses (not external to external) × the probes. */
function generatedFlows(plan: TierPlan): Flow[] {
  const names = plan.inventory.endpoints.map(endpointName);
  const flows: Flow[] = [];
  for (const src of [...names, ...EXTERNAL]) {
    for (const dst of [...names, ...EXTERNAL]) {
      if (src === dst || (EXTERNAL.includes(src) && EXTERNAL.includes(dst))) continue;
      for (const probe of PROBES) flows.push({ src, dst, ...probe });
    }
  }
  return flows;
}

function exampleFiles(name: string): { file: string; text: string }[] {
  const dir = join(examplesDir, name);
  return readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file) && file !== 'test.flows.yaml')
    .sort()
    .map((file) => ({ file: `examples/${name}/${file}`, text: readFileSync(join(dir, file), 'utf8') }));
}

function exampleFlows(name: string): Flow[] {
  const file = join(examplesDir, name, 'test.flows.yaml');
  if (!existsSync(file)) return [];
  const parsed = parseFlows(`examples/${name}/test.flows.yaml`, readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error(`${name}: flows do not parse`);
  return parsed.flows.map(({ span: _span, fieldSpans: _fields, ...flow }) => flow);
}

describe('run = reference on the examples', () => {
  const examples = readdirSync(examplesDir).filter((name) => exampleFiles(name).length > 0).sort();

  for (const name of examples) {
    it(name, () => {
      const subject = subjectOf(exampleFiles(name));
      const own = disagreements(subject, exampleFlows(name));
      const generated = disagreements(subject, generatedFlows(subject.plan));
      const differences = [...own.differences, ...generated.differences];
      if (differences.length > 0) {
        const shown = differences.slice(0, 5).join('\n\n');
        const errors = subject.evaluators.buildErrors;
        const notes = errors.length > 0 ? `\nbuild errors:\n  ${[...new Set(errors)].join('\n  ')}` : '';
        expect.fail(`${differences.length} of ${own.compared + generated.compared} flows disagree:\n\n${shown}${notes}`);
      }
      if (process.env.CALPOL_RUN_STATS) console.log(`${name}: ${own.compared} own + ${generated.compared} generated flows, ${own.denied + generated.denied} denied`);
      if (subject.plan.inventory.endpoints.length > 0) expect(own.compared + generated.compared).toBeGreaterThan(0);
    });
  }
});
