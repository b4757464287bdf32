import { referenceEvaluator, runFlow, RunEvaluator, type EndpointToHostAction, type ResolvedFlow, type RunFlowResult, type Trace, type Verdict } from '../eval/index.js';
import type { Program } from '../ir/index.js';
import type { Inventory } from '../model/index.js';
import type { TierPlan } from '../tiers/index.js';
import { LabError } from './errors.js';
import { flowLabel, planFlow, type FlowPlan, type NodePlan, type SkipReason } from './flow-plan.js';
import { withLab, type Lab } from './lab.js';
import { labSpecFor } from './lab-spec.js';
import type { ProbeOptions, ProbeResult } from './probe.js';
import { probeKey, probeRounds, type ProbeToRun } from './rounds.js';
import { emitForTarget, loadRuleset, targetUnavailable, type EmittedRuleset, type VerifyTarget } from './targets.js';
import { createTopology, type LabSpec } from './topology.js';

/**
 * The kernel check (docs/design.md "Verification and tests"): for each flow, three verdicts —
 * the reference evaluator over the tier plan, the in-process evaluator over the emitted
 * ruleset decoded back, and the kernel of a lab node with that ruleset loaded, probed
 * with real packets. A flow agrees when all three do; flows the lab cannot run are
 * skipped with a reason and never count as agreement.
 */

export interface VerifyRequest {
  plan: TierPlan;
  inventory: Inventory;
  node: NodePlan;
  flows: readonly ResolvedFlow[];
  endpointToHostAction: EndpointToHostAction;
}

export type KernelVerdict = Verdict | 'error';
export type FlowStatus = 'agree' | 'mismatch' | 'error' | 'skipped';

export interface FlowResult {
  /** Position of the flow in the request. */
  index: number;
  /** The flow as run (outside ends completed with the uplink's host endpoint). */
  flow: ResolvedFlow;
  label: string;
  reference: Verdict;
  referenceTrace: Trace;
  emitted?: Verdict;
  /** Where the emitted ruleset decided: `<chain>[<rule>] <origin id>`, or the base chains' policies. */
  emittedDecidedBy?: string;
  kernel?: KernelVerdict;
  status: FlowStatus;
  skip?: { reason: SkipReason; detail: string };
  /** Why the kernel probe failed or was blocked (time-out, refused, …). */
  kernelDetail?: string;
}

export interface VerifySummary {
  flows: number;
  agree: number;
  mismatches: number;
  errors: number;
  skipped: number;
  /** Labs built (one per round of clash-free probes). */
  labs: number;
  seconds: number;
}

export interface TargetResult {
  target: VerifyTarget;
  /** Set when the target could not run here (its flows are then not checked). */
  unavailable?: string;
  flows: FlowResult[];
  summary: VerifySummary;
  /** Namespace prefixes of labs left in place (`keep`). */
  keptLabs: string[];
}

export interface VerifyOptions {
  probe?: ProbeOptions;
  /** Leave the labs in place instead of deleting them. */
  keep?: boolean;
}

/** Generous enough for a loaded machine: an allowed probe answers in milliseconds; only blocked ones wait. */
export const VERIFY_PROBE_OPTIONS: Required<ProbeOptions> = { timeoutMs: 500, icmpTimeoutMs: 500, concurrency: 32 };
/** A probe blocked where an evaluator allows is tried once more, this much more patiently. */
const RETRY_FACTOR = 4;

/** What does not depend on the target: the plan of each flow, its reference verdict, the lab. */
export interface PreparedVerification {
  request: VerifyRequest;
  plans: FlowPlan[];
  references: Trace[];
  labSpec: LabSpec;
}

export function prepareVerification(request: VerifyRequest): PreparedVerification {
  const reference = referenceEvaluator(request.plan, { endpointToHostAction: request.endpointToHostAction });
  const plans = request.flows.map((flow) => planFlow(flow, request.node));
  const references = plans.map((plan) => reference.evaluate(plan.flow));
  const externals = plans.flatMap((plan) => (plan.kind === 'probe' ? plan.externals : []));
  const labSpec = labSpecFor(request.inventory, request.node, externals);
  createTopology(labSpec); // reports an impossible lab (clashing addresses or names) before any namespace exists
  return { request, plans, references, labSpec };
}

function summarize(flows: FlowResult[], labs: number, started: number): VerifySummary {
  const count = (status: FlowStatus) => flows.filter((f) => f.status === status).length;
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  return { flows: flows.length, agree: count('agree'), mismatches: count('mismatch'), errors: count('error'), skipped: count('skipped'), labs, seconds };
}

function kernelVerdictOf(result: ProbeResult): KernelVerdict {
  return result.outcome === 'allowed' ? 'allow' : result.outcome === 'blocked' ? 'deny' : 'error';
}

/** Probes every round in a fresh lab, step after step; results by probe key. */
async function probeInLabs(
  prepared: PreparedVerification,
  ruleset: EmittedRuleset,
  toRun: ProbeToRun[],
  expectsAllow: (key: string) => boolean,
  options: VerifyOptions,
): Promise<{ results: Map<string, ProbeResult>; labs: number; kept: string[] }> {
  const probeOptions = { ...VERIFY_PROBE_OPTIONS, ...options.probe };
  const results = new Map<string, ProbeResult>();
  const kept: string[] = [];
  const rounds = probeRounds(toRun);
  for (const steps of rounds) {
    await withLab(createTopology(prepared.labSpec), async (lab: Lab) => {
      await loadRuleset(lab, ruleset);
      for (const [stepIndex, step] of steps.entries()) {
        if (stepIndex > 0) await lab.closeListeners();
        const requests = step.map((index) => (toRun[index] as ProbeToRun).probe);
        const first = await lab.probeAll(requests, probeOptions);
        const retried = await retryBlocked(lab, first, expectsAllow, probeOptions);
        retried.forEach((result) => results.set(probeKey(result.request), result));
      }
      if (options.keep) {
        await lab.keep();
        kept.push(lab.topology.prefix);
      }
    });
  }
  return { results, labs: rounds.length, kept };
}

/** A blocked probe that an evaluator allows gets a second, longer chance (a slow machine is not a verdict). */
async function retryBlocked(lab: Lab, results: ProbeResult[], expectsAllow: (key: string) => boolean, options: Required<ProbeOptions>): Promise<ProbeResult[]> {
  const again = results.filter((r) => r.outcome === 'blocked' && expectsAllow(probeKey(r.request)));
  if (again.length === 0) return results;
  const patient = { ...options, timeoutMs: options.timeoutMs * RETRY_FACTOR, icmpTimeoutMs: options.icmpTimeoutMs * RETRY_FACTOR };
  const second = await lab.probeAll(again.map((r) => r.request), patient);
  const byKey = new Map(second.map((r) => [probeKey(r.request), r]));
  return results.map((r) => byKey.get(probeKey(r.request)) ?? r);
}

/** The rule that decided the last traversal run, as `<chain>[<index>] <origin id>`. */
function decidedBy(run: RunFlowResult): string {
  const last = run.traversals.at(-1);
  const final = last?.final;
  const hit = final ? [...(last?.rulesHit ?? [])].reverse().find((h) => h.chain === final.chain && h.index === final.index) : undefined;
  return hit ? `${hit.chain}[${hit.index}] ${hit.origin.id}` : 'the base chains\' policies';
}

function flowResult(prepared: PreparedVerification, index: number, run: RunFlowResult | undefined, probe: ProbeResult | undefined): FlowResult {
  const plan = prepared.plans[index] as FlowPlan;
  const referenceTrace = prepared.references[index] as Trace;
  const base = { index, flow: plan.flow, label: flowLabel(plan.flow), reference: referenceTrace.verdict, referenceTrace };
  if (plan.kind === 'skip') return { ...base, status: 'skipped', skip: { reason: plan.reason, detail: plan.detail } };
  const result: FlowResult = { ...base, status: 'error' };
  const emitted = run?.verdict;
  if (run) Object.assign(result, { emitted: run.verdict, emittedDecidedBy: decidedBy(run) });
  if (!probe) return { ...result, kernelDetail: 'not probed' };
  const kernel = kernelVerdictOf(probe);
  result.kernel = kernel;
  if (probe.outcome !== 'allowed') result.kernelDetail = [probe.reason, probe.detail].filter(Boolean).join(': ');
  if (kernel !== 'error') result.status = kernel === base.reference && kernel === emitted ? 'agree' : 'mismatch';
  return result;
}

function unavailableResult(target: VerifyTarget, reason: string): TargetResult {
  return { target, unavailable: reason, flows: [], summary: summarize([], 0, performance.now()), keptLabs: [] };
}

/** Verifies every flow against one target. A target that cannot run here is reported, not thrown. */
export async function verifyTarget(prepared: PreparedVerification, program: Program, target: VerifyTarget, options: VerifyOptions = {}): Promise<TargetResult> {
  const missing = targetUnavailable(target);
  if (missing) return unavailableResult(target, missing);
  return verifyRuleset(prepared, emitForTarget(program, target), options);
}

/**
 * Verifies every flow against an emitted ruleset: `ruleset.decoded` is what the in-process
 * evaluator runs, `ruleset.files` what the kernel loads (the same text, unless a test made
 * them differ on purpose).
 */
export async function verifyRuleset(prepared: PreparedVerification, ruleset: EmittedRuleset, options: VerifyOptions = {}): Promise<TargetResult> {
  const started = performance.now();
  const evaluator = new RunEvaluator(ruleset.decoded);
  const uplinkInterface = prepared.request.node.uplinkInterface;
  const runs = prepared.plans.map((plan) => (plan.kind === 'probe' ? runFlow(evaluator, plan.flow, { uplinkInterface }) : undefined));
  const toRun = new Map<string, ProbeToRun>();
  const allowedBy = new Set<string>();
  prepared.plans.forEach((plan, index) => {
    if (plan.kind !== 'probe') return;
    const key = probeKey(plan.probe);
    if (!toRun.has(key)) toRun.set(key, { flow: plan.flow, probe: plan.probe });
    if (runs[index]?.verdict === 'allow' || prepared.references[index]?.verdict === 'allow') allowedBy.add(key);
  });
  let probed: Awaited<ReturnType<typeof probeInLabs>>;
  try {
    probed = await probeInLabs(prepared, ruleset, [...toRun.values()], (key) => allowedBy.has(key), options);
  } catch (error) {
    if (error instanceof LabError && error.code === 'target-unavailable') return unavailableResult(ruleset.target, error.message);
    throw error;
  }
  const flows = prepared.plans.map((plan, index) =>
    flowResult(prepared, index, runs[index], plan.kind === 'probe' ? probed.results.get(probeKey(plan.probe)) : undefined),
  );
  return { target: ruleset.target, flows, summary: summarize(flows, probed.labs, started), keptLabs: probed.kept };
}
