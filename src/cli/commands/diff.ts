import type { Command } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { defaultProbes, matrixVerdicts, parseProbes, type MatrixResult, type Probe } from '../../matrix/index.js';
import type { Model } from '../../model/index.js';
import { EXIT, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { loadValidModel, modelOptionsFromFlags, planFromFlags, type PlanFlags } from '../model.js';
import { addCompileOptions, renderTarget, type Target, TARGETS } from './compile.js';
import { buildProgram } from '../../ir/index.js';
import { formatText } from '../../lint/index.js';
import { oneOf } from './options.js';

interface DiffFlags extends PlanFlags {
  target: Target;
  port?: string;
  node?: string;
  interfacePrefix?: string[];
  endpointToHostAction: 'drop' | 'accept' | 'return';
  allowUnsupported?: boolean;
}

/** `calpol diff old… -- new…`: commander drops the `--`, so split the raw arguments ourselves. */
function splitSides(rawArgs: readonly string[]): { old: string[]; new: string[] } {
  const start = rawArgs.indexOf('diff');
  const separator = rawArgs.indexOf('--', start);
  if (separator < 0) throw new UserError('calpol diff: separate the old and the new inputs with --, e.g. calpol diff old/ -- new/');
  const positional = (args: readonly string[]) => {
    const out: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      if (arg.startsWith('-') && arg !== '-') {
        // Options that take a value consume the next argument.
        if (!arg.includes('=') && OPTIONS_WITH_VALUE.has(arg)) i++;
        continue;
      }
      out.push(arg);
    }
    return out;
  };
  const sides = { old: positional(rawArgs.slice(start + 1, separator)), new: positional(rawArgs.slice(separator + 1)) };
  if (sides.old.length === 0 || sides.new.length === 0) throw new UserError('calpol diff: give inputs on both sides of --');
  return sides;
}

const OPTIONS_WITH_VALUE = new Set(['-t', '--target', '--port', '--node', '--tie-break', '--failsafe-inbound', '--failsafe-outbound', '--endpoint-to-host-action', '--interface-prefix']);

function rulesetText(model: Model, flags: DiffFlags): string {
  const built = buildProgram(planFromFlags(model, flags), {
    ...(flags.node !== undefined ? { node: flags.node } : {}),
    endpointToHostAction: flags.endpointToHostAction,
    ...(flags.interfacePrefix ? { workloadInterfacePrefixes: flags.interfacePrefix } : {}),
  });
  if (built.diagnostics.some((d) => d.severity === 'error')) throw new UserError(formatText(built.diagnostics, { color: false }).trimEnd());
  return renderTarget(built.program, flags.target)
    .map((file) => (file.name ? `# ${file.name}\n${file.text}` : file.text))
    .join('');
}

interface VerdictChange {
  key: string;
  before: string;
  after: string;
}

function verdictMap(result: MatrixResult): Map<string, string> {
  const map = new Map<string, string>();
  for (const cell of result.cells) {
    const source = result.endpoints[cell.source]?.name;
    const destination = result.endpoints[cell.destination]?.name;
    const probe = result.probes[cell.probe] as Probe;
    map.set(`${source} -> ${destination} ${probe.label} (IPv${cell.ipVersion})`, cell.verdict);
  }
  return map;
}

/** Flows (endpoint pair × probe) whose verdict differs between the two versions; endpoints in only one version are left out. */
function verdictChanges(before: Model, after: Model, flags: DiffFlags): { changes: VerdictChange[]; probes: Probe[] } {
  let probes: Probe[];
  if (flags.port !== undefined) {
    const parsed = parseProbes(flags.port);
    if (!parsed.ok) throw new UserError(`calpol diff: --port: ${parsed.error}`);
    probes = parsed.probes;
  } else {
    const labels = new Map<string, Probe>();
    for (const model of [before, after]) for (const probe of defaultProbes(model.policySet).probes) labels.set(probe.label, probe);
    probes = [...labels.values()].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  }
  const run = (model: Model) => verdictMap(matrixVerdicts(planFromFlags(model, flags), { probes, endpointToHostAction: flags.endpointToHostAction }));
  const old = run(before);
  const changes: VerdictChange[] = [];
  for (const [key, verdict] of run(after)) {
    const previous = old.get(key);
    if (previous !== undefined && previous !== verdict) changes.push({ key, before: previous, after: verdict });
  }
  return { changes: changes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)), probes };
}

export function registerDiff(program: Command, io: Io, setExit: (code: number) => void): void {
  const command = program
    .command('diff')
    .description('Compare two versions of a policy set: flows whose verdict changes, then the diff of the compiled rulesets.')
    .argument('<paths...>', 'old inputs, then --, then new inputs')
    .option('-t, --target <target>', `ruleset to compare: ${TARGETS.join(', ')}`, oneOf(TARGETS), 'nft-text')
    .option('--port <probes>', 'probes for the verdict comparison, e.g. tcp/80,udp/53,icmp (default: the ports the policies mention)');
  addCompileOptions(command)
    .addHelpText('after', '\nExample: calpol diff main/policy/ -- policy/\nExit codes: 0 nothing changed, 1 verdicts or ruleset changed, 2 usage or input error.')
    .action(async (_paths: string[], flags: DiffFlags) => {
      // Commander keeps the arguments as given (with the `--`) in rawArgs, which its typings omit.
      const sides = splitSides((program as unknown as { rawArgs: string[] }).rawArgs);
      const options = modelOptionsFromFlags(flags);
      const before = await loadValidModel(sides.old, io, options);
      const after = await loadValidModel(sides.new, io, options);
      const hasEndpoints = before.inventory.endpoints.length > 0 && after.inventory.endpoints.length > 0;
      const verdicts = hasEndpoints ? verdictChanges(before, after, flags) : { changes: [], probes: [] };
      const patch = createTwoFilesPatch('old', 'new', rulesetText(before, flags), rulesetText(after, flags), '', '', { context: 3 });
      const rulesetChanged = patch.split('\n').some((line) => /^[-+](?![-+]{2} )/.test(line));
      if (hasEndpoints) {
        io.stdout(`verdict changes (${verdicts.probes.map((p) => p.label).join(', ')}): ${verdicts.changes.length}\n`);
        for (const change of verdicts.changes) io.stdout(`  ${change.key}: ${change.before} -> ${change.after}\n`);
      } else {
        io.stdout('verdict changes: not computed (no endpoints in the inputs)\n');
      }
      io.stdout(rulesetChanged ? `ruleset (${flags.target}):\n${patch}` : `ruleset (${flags.target}): unchanged\n`);
      setExit(verdicts.changes.length > 0 || rulesetChanged ? EXIT.findings : EXIT.ok);
    });
}
