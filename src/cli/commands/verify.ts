import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { syntheticSpan } from '../../diag/index.js';
import { PROTOCOL_NAMES, type ResolvedFlow } from '../../eval/index.js';
import { EndpointDirectory, parseFlows, renderTraceText, resolveFlow, RuleLookup, type FlowSpec } from '../../explain/index.js';
import { buildProgram, type Program } from '../../ir/index.js';
import { formatText } from '../../lint/index.js';
import { defaultProbes } from '../../matrix/index.js';
import type { Model } from '../../model/index.js';
import type { TierPlan } from '../../tiers/index.js';
import {
  busiestNode,
  defaultFlows,
  DEFAULT_MAX_FLOWS,
  endpointCountsByNode,
  labAvailability,
  LabError,
  planNode,
  prepareVerification,
  SKIP_REASONS,
  VERIFY_TARGETS,
  verifyTarget,
  type FlowResult,
  type NodePlan,
  type PortProbe,
  type PreparedVerification,
  type SkipReason,
  type TargetResult,
  type VerifyTarget,
} from '../../verify/index.js';
import { EXIT, UserError } from '../errors.js';
import { useColor, type Io } from '../io.js';
import { loadValidModel, modelOptionsFromFlags, planFromFlags, type PlanFlags } from '../model.js';
import { nonNegativeInteger, oneOf } from './options.js';
import { addPlanOptions } from './plan-options.js';

/** `iptables` is iptables-nft, the default iptables of current distributions. */
export const TARGET_CHOICES = ['nft', 'iptables', 'iptables-legacy', 'all'] as const;

export interface NodeFlags extends PlanFlags {
  node?: string;
  endpointToHostAction: 'drop' | 'accept' | 'return';
  allowUnsupported?: boolean;
}

interface VerifyFlags extends NodeFlags {
  target: (typeof TARGET_CHOICES)[number];
  flows?: string;
  format: 'text' | 'json';
  keep?: boolean;
  maxFlows: number;
}

/** What verify and lab up share: the model, the plan, the lab's node and its program. */
export interface NodeSetup {
  model: Model;
  plan: TierPlan;
  nodePlan: NodePlan;
  program: Program;
}

/** Refuses to go on without root (exit 2): labs are network namespaces. */
export function requireLab(command: string): void {
  const availability = labAvailability();
  if (!availability.ok) throw new UserError(`calpol ${command}: ${availability.reason}; it builds network namespaces (run it as root, e.g. with sudo)`);
}

/** Loads the input, picks the lab's node and compiles its program; compile errors stop with exit 2. */
export async function setUpNode(paths: string[], flags: NodeFlags, io: Io): Promise<NodeSetup> {
  const model = await loadValidModel(paths, io, modelOptionsFromFlags(flags));
  const plan = planFromFlags(model, flags);
  const counts = endpointCountsByNode(model.inventory);
  if (flags.node !== undefined && !counts.has(flags.node)) {
    const known = [...counts.keys()].sort().join(', ') || 'none (no endpoint names a node)';
    throw new UserError(`calpol: --node ${flags.node}: no endpoint is on that node; nodes: ${known}`);
  }
  const node = flags.node ?? busiestNode(model.inventory);
  const built = buildProgram(plan, { ...(node === undefined ? {} : { node }), endpointToHostAction: flags.endpointToHostAction });
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const text = formatText(errors, { color: useColor(io) }).trimEnd();
    throw new UserError(`${text}\ncalpol: the ruleset for node ${node ?? '(all)'} cannot be compiled exactly; nothing was verified`);
  }
  return { model, plan, nodePlan: planNode(model.inventory, node), program: built.program };
}

function portProbes(model: Model): PortProbe[] {
  return defaultProbes(model.policySet).probes.flatMap((p) => (p.protocol === 'tcp' || p.protocol === 'udp') && p.port !== undefined ? [{ protocol: p.protocol, port: p.port }] : []);
}

function resolveAll(specs: FlowSpec[], model: Model): ResolvedFlow[] {
  const directory = new EndpointDirectory(model.inventory);
  const errors: string[] = [];
  const flows: ResolvedFlow[] = [];
  for (const spec of specs) {
    const resolved = resolveFlow(spec, directory);
    if (resolved.ok) flows.push(resolved.flow);
    else errors.push(...resolved.errors.map((e) => `${e.span?.file}:${e.span?.line}:${e.span?.column}: error ${e.code}: ${e.message}`));
  }
  if (errors.length > 0) throw new UserError(errors.join('\n'));
  return flows;
}

/** The default flows of the lab's node (verify without --flows, and the lab's outside hosts). */
export function nodeFlows(setup: NodeSetup, limit: number): { flows: ResolvedFlow[]; note: string } {
  const ports = portProbes(setup.model);
  const generated = defaultFlows(setup.model.policySet, setup.model.inventory, setup.nodePlan, ports, limit);
  const span = syntheticSpan('<default flows>');
  const flows = resolveAll(generated.flows.map((f) => ({ ...f, span, fieldSpans: {} })), setup.model);
  const portText = ports.map((p) => `${p.protocol}/${p.port}`).join(', ') || 'none';
  const sampled = generated.total > flows.length ? `; ${flows.length} of ${generated.total} kept (--max-flows)` : '';
  return { flows, note: `every pair of the node's ends on ${portText} and ICMP echo${sampled}` };
}

async function fileFlows(file: string, setup: NodeSetup, io: Io): Promise<ResolvedFlow[]> {
  let text: string;
  try {
    text = file === '-' ? new TextDecoder().decode(await io.readStdin()) : await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const parsed = parseFlows(file === '-' ? '<stdin>' : file, text);
  if (!parsed.ok) throw new UserError(formatText(parsed.errors, { color: false }).trimEnd());
  return resolveAll(parsed.flows, setup.model);
}

export function describeNode(plan: NodePlan): string {
  const pods = `${plan.workloads.length} pod${plan.workloads.length === 1 ? '' : 's'}`;
  const heps = `${plan.hostEndpoints.length} host endpoint${plan.hostEndpoints.length === 1 ? '' : 's'}`;
  const uplink = plan.uplinkHostEndpoint ? `${plan.uplinkInterface} = hep:${plan.uplinkHostEndpoint.name}` : plan.uplinkInterface;
  return `node ${plan.node ?? '(every endpoint)'}: ${pods}, ${heps}, uplink ${uplink}`;
}

/** Turns lab failures users can meet into exit-2 errors without stack traces. */
export function asUserError(error: unknown): unknown {
  if (error instanceof LabError) return new UserError(`calpol: ${error.message}`);
  return error;
}

function summaryLine(result: TargetResult): string {
  const s = result.summary;
  const errors = s.errors > 0 ? `, ${s.errors} errors` : '';
  return `${s.flows} flows, ${s.agree} agree, ${s.mismatches} mismatches${errors}, ${s.skipped} skipped (target ${result.target}) in ${s.seconds} s`;
}

function skippedLine(flows: FlowResult[]): string | undefined {
  const counts = new Map<SkipReason, number>();
  for (const flow of flows) if (flow.skip) counts.set(flow.skip.reason, (counts.get(flow.skip.reason) ?? 0) + 1);
  if (counts.size === 0) return undefined;
  return `skipped: ${[...counts].map(([reason, count]) => `${count} ${SKIP_REASONS[reason]}`).join('; ')}`;
}

/** The text report: mismatches (and probes that failed) with the explain trace, skip counts, one summary line per target. */
export function verifyReportText(results: TargetResult[], setup: NodeSetup, note: string, color: boolean): string {
  const lookup = new RuleLookup(setup.model.policySet);
  const lines = [`calpol verify: ${describeNode(setup.nodePlan)}; flows: ${note}`];
  for (const result of results) {
    if (result.unavailable) continue;
    for (const flow of result.flows.filter((f) => f.status === 'mismatch' || f.status === 'error')) {
      const kernel = `${flow.kernel ?? 'not probed'}${flow.kernelDetail ? ` (${flow.kernelDetail})` : ''}`;
      lines.push(`${flow.status === 'mismatch' ? 'MISMATCH' : 'ERROR'} [${result.target}] ${flow.label}: reference ${flow.reference}, emitted ${flow.emitted ?? '-'}, kernel ${kernel}`);
      if (flow.emittedDecidedBy) lines.push(`    the emitted ruleset decided at ${flow.emittedDecidedBy}; the reference:`);
      lines.push(renderTraceText(flow.referenceTrace, flow.flow, lookup, { color }).trimEnd().replace(/^(?=.)/gm, '    '));
    }
  }
  const first = results.find((r) => !r.unavailable);
  const skipped = first ? skippedLine(first.flows) : undefined;
  if (skipped) lines.push(skipped);
  for (const result of results) lines.push(result.unavailable ? `target ${result.target} not run: ${result.unavailable}` : summaryLine(result));
  for (const prefix of results.flatMap((r) => r.keptLabs)) lines.push(`kept lab ${prefix} (enter with ip netns exec ${prefix}-<node|up|wN> …; remove with: calpol lab down)`);
  return `${lines.join('\n')}\n`;
}

function flowJson(result: TargetResult, flow: FlowResult): Record<string, unknown> {
  const { packet } = flow.flow;
  const spec = {
    label: flow.label,
    src: packet.sourceAddress,
    dst: packet.destinationAddress,
    protocol: PROTOCOL_NAMES[packet.protocol] ?? packet.protocol,
    ...(packet.destinationPort === undefined ? {} : { port: packet.destinationPort, sport: packet.sourcePort }),
    ...(packet.icmpType === undefined ? {} : { icmpType: packet.icmpType, icmpCode: packet.icmpCode }),
    ...(flow.flow.ingressHostEndpoint ? { ingressHostEndpoint: flow.flow.ingressHostEndpoint.name } : {}),
    ...(flow.flow.egressHostEndpoint ? { egressHostEndpoint: flow.flow.egressHostEndpoint.name } : {}),
  };
  return {
    target: result.target,
    flow: spec,
    reference: flow.reference,
    emitted: flow.emitted ?? null,
    kernel: flow.kernel ?? null,
    agree: flow.status === 'agree',
    status: flow.status,
    ...(flow.skip ? { skipped: flow.skip } : {}),
    ...(flow.emittedDecidedBy ? { emittedDecidedBy: flow.emittedDecidedBy } : {}),
    ...(flow.kernelDetail ? { kernelDetail: flow.kernelDetail } : {}),
  };
}

/** The JSON report: every flow with its three verdicts, and the totals (per target too). */
export function verifyReportJson(results: TargetResult[], setup: NodeSetup, target: string): string {
  const ran = results.filter((r) => !r.unavailable);
  const total = (key: 'flows' | 'agree' | 'mismatches' | 'errors' | 'skipped') => ran.reduce((sum, r) => sum + r.summary[key], 0);
  const summary = {
    flows: total('flows'),
    agree: total('agree'),
    mismatches: total('mismatches'),
    errors: total('errors'),
    skipped: total('skipped'),
    seconds: Math.max(0, ...ran.map((r) => r.summary.seconds)),
    targets: results.map((r) => ({ target: r.target, ...(r.unavailable ? { unavailable: r.unavailable } : r.summary), keptLabs: r.keptLabs })),
  };
  const flows = ran.flatMap((r) => r.flows.map((f) => flowJson(r, f)));
  return `${JSON.stringify({ target, node: setup.nodePlan.node ?? null, flows, summary }, null, 2)}\n`;
}

function targetsOf(choice: VerifyFlags['target']): VerifyTarget[] {
  return choice === 'all' ? [...VERIFY_TARGETS] : [choice];
}

async function runVerify(setup: NodeSetup, flows: ResolvedFlow[], flags: VerifyFlags): Promise<TargetResult[]> {
  const request = { plan: setup.plan, inventory: setup.model.inventory, node: setup.nodePlan, flows, endpointToHostAction: flags.endpointToHostAction };
  let prepared: PreparedVerification;
  try {
    prepared = prepareVerification(request);
    // Targets run side by side: each in labs of its own, and a lab mostly waits on blocked probes.
    return await Promise.all(targetsOf(flags.target).map((target) => verifyTarget(prepared, setup.program, target, { keep: flags.keep ?? false })));
  } catch (error) {
    throw asUserError(error);
  }
}

export function registerVerify(program: Command, io: Io, setExit: (code: number) => void): void {
  const command = program
    .command('verify')
    .description('Kernel check (root): load the compiled ruleset into network namespaces wired like a Calico node, send real TCP, UDP and ICMP, and compare with both evaluators.')
    .argument('<paths...>', 'policy and inventory files or directories')
    .option('-t, --target <target>', `${TARGET_CHOICES.join(', ')} (iptables = iptables-nft)`, oneOf(TARGET_CHOICES), 'nft')
    .option('--flows <file>', 'YAML or JSON list of flows (the calpol test format; expect is ignored); default: every pair of the node\'s ends on the ports the policies mention')
    .option('--node <name>', 'the node to build (default: the node with the most endpoints)')
    .option('--max-flows <n>', 'at most this many default flows (an evenly spread sample)', nonNegativeInteger, DEFAULT_MAX_FLOWS)
    .option('-f, --format <format>', 'text or json', oneOf(['text', 'json'] as const), 'text')
    .option('--keep', 'leave the namespaces in place afterwards (remove them with calpol lab down)');
  addPlanOptions(command)
    .addHelpText('after', '\nExit codes: 0 every flow agrees, 1 a mismatch (or a probe that could not be made), 2 usage or input error, not root, or an explicit --target unavailable.')
    .action(async (paths: string[], flags: VerifyFlags) => {
      requireLab('verify');
      const setup = await setUpNode(paths, flags, io);
      const { flows, note } = flags.flows !== undefined ? { flows: await fileFlows(flags.flows, setup, io), note: flags.flows } : nodeFlows(setup, flags.maxFlows);
      const results = await runVerify(setup, flows, flags);
      const unavailable = results.filter((r) => r.unavailable);
      if (flags.target !== 'all' && unavailable.length > 0) throw new UserError(`calpol verify: target ${flags.target} is not available here: ${unavailable[0]?.unavailable}`);
      for (const result of unavailable) io.stderr(`calpol verify: skipping target ${result.target}: ${result.unavailable}\n`);
      if (results.every((r) => r.unavailable || r.summary.flows === r.summary.skipped)) io.stderr('calpol verify: warning: no flow could be checked in the lab (every flow was skipped); nothing was proven\n');
      io.stdout(flags.format === 'json' ? verifyReportJson(results, setup, flags.target) : verifyReportText(results, setup, note, useColor(io)));
      const failed = results.some((r) => r.summary.mismatches + r.summary.errors > 0);
      setExit(failed ? EXIT.findings : EXIT.ok);
    });
}
