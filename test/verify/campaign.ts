import fc from 'fast-check';
import { syntheticSpan } from '../../src/diag/index.js';
import type { EndpointToHostAction, ResolvedFlow } from '../../src/eval/index.js';
import { EndpointDirectory, resolveFlow } from '../../src/explain/index.js';
import { buildProgram } from '../../src/ir/index.js';
import { loadModel } from '../../src/model/index.js';
import { buildTierPlan } from '../../src/tiers/index.js';
import {
  busiestNode,
  planFlow,
  planNode,
  prepareVerification,
  verifyTarget,
  type FlowResult,
  type SkipReason,
  type TargetResult,
  type VerifyTarget,
} from '../../src/verify/index.js';
import { clusterArb, clusterYaml, flowArb, flowFor } from '../eval/run-generate.js';

/**
 * The kernel campaign: the random clusters and flows of the run-vs-reference campaign
 * (test/eval/run-generate.ts), each compiled for its busiest node and verified in the
 * kernel for every target. Of each cluster's candidate flows the first `flowsPerCluster`
 * the lab can run are kept (the others cross a second node, use SCTP, GRE or an ICMP
 * type other than echo, …), so every lab probes a full set.
 */

export interface CampaignOptions {
  seed: number;
  clusters: number;
  flowsPerCluster: number;
  targets: readonly VerifyTarget[];
}

export interface TargetTally {
  target: VerifyTarget;
  checked: number;
  agree: number;
  mismatches: FlowResult[];
  errors: FlowResult[];
  labs: number;
  seconds: number;
  unavailable?: string;
}

export interface CampaignReport {
  clusters: number;
  /** Clusters whose program the compiler refuses (error diagnostics): not held to the reference. */
  refused: number;
  /** Candidate flows left out, by reason. */
  leftOut: Map<SkipReason, number>;
  tallies: TargetTally[];
  /** The cluster of the first disagreement, for replay. */
  firstDisagreement?: string;
}

const CANDIDATES = 400;

function resolveAll(flows: ReturnType<typeof flowFor>[], directory: EndpointDirectory): ResolvedFlow[] {
  return flows.flatMap((flow) => {
    const resolved = resolveFlow({ ...flow, span: syntheticSpan('<campaign>'), fieldSpans: {} }, directory);
    return resolved.ok ? [resolved.flow] : [];
  });
}

function tally(tallies: Map<VerifyTarget, TargetTally>, result: TargetResult): void {
  const entry = tallies.get(result.target) ?? { target: result.target, checked: 0, agree: 0, mismatches: [], errors: [], labs: 0, seconds: 0 };
  if (result.unavailable) entry.unavailable = result.unavailable;
  entry.checked += result.flows.filter((f) => f.status !== 'skipped').length;
  entry.agree += result.summary.agree;
  entry.mismatches.push(...result.flows.filter((f) => f.status === 'mismatch'));
  entry.errors.push(...result.flows.filter((f) => f.status === 'error'));
  entry.labs += result.summary.labs;
  entry.seconds += result.summary.seconds;
  tallies.set(result.target, entry);
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const shapes = fc.sample(clusterArb, { seed: options.seed, numRuns: options.clusters });
  const flowShapes = fc.sample(fc.array(flowArb, { minLength: CANDIDATES, maxLength: CANDIDATES }), { seed: options.seed + 1, numRuns: options.clusters });
  const actions = fc.sample(fc.constantFrom<EndpointToHostAction>('drop', 'accept', 'return'), { seed: options.seed + 2, numRuns: options.clusters });
  const report: CampaignReport = { clusters: shapes.length, refused: 0, leftOut: new Map(), tallies: [] };
  const tallies = new Map<VerifyTarget, TargetTally>();
  for (const [index, shape] of shapes.entries()) {
    const yaml = clusterYaml(shape);
    const model = loadModel([{ file: 'generated.yaml', bytes: new TextEncoder().encode(yaml) }]);
    const plan = buildTierPlan(model.policySet, model.inventory);
    const node = busiestNode(model.inventory);
    const endpointToHostAction = actions[index] ?? 'drop';
    const built = buildProgram(plan, { ...(node === undefined ? {} : { node }), endpointToHostAction });
    if (built.diagnostics.some((d) => d.severity === 'error')) {
      report.refused++;
      continue;
    }
    const nodePlan = planNode(model.inventory, node);
    const ends = model.inventory.endpoints.map((e) => ({ name: e.kind === 'host' ? `hep:${e.name}` : `${e.namespace ?? ''}/${e.name}`, kind: e.kind, node: e.node }));
    const candidates = resolveAll((flowShapes[index] ?? []).map((f) => flowFor(f, ends)), new EndpointDirectory(model.inventory));
    const flows: ResolvedFlow[] = [];
    for (const flow of candidates) {
      const planned = planFlow(flow, nodePlan);
      if (planned.kind === 'skip') report.leftOut.set(planned.reason, (report.leftOut.get(planned.reason) ?? 0) + 1);
      else if (flows.length < options.flowsPerCluster) flows.push(flow);
    }
    const prepared = prepareVerification({ plan, inventory: model.inventory, node: nodePlan, flows, endpointToHostAction });
    const results = await Promise.all(options.targets.map((target) => verifyTarget(prepared, built.program, target)));
    for (const result of results) tally(tallies, result);
    if (!report.firstDisagreement && results.some((r) => r.summary.mismatches + r.summary.errors > 0)) {
      report.firstDisagreement = `cluster ${index} (endpoint-to-host ${endpointToHostAction}, node ${node}):\n${yaml}`;
    }
  }
  report.tallies = [...tallies.values()];
  return report;
}
