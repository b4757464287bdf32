import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticSpan } from '../../src/diag/index.js';
import { referenceEvaluator, runFlow, type EndpointToHostAction, type ResolvedFlow, type RunFlowResult, type Trace } from '../../src/eval/index.js';
import { EndpointDirectory, resolveFlow } from '../../src/explain/index.js';
import { loadModel, type Endpoint } from '../../src/model/index.js';
import { buildTierPlan } from '../../src/tiers/index.js';
import { nodeEvaluators } from './run-helpers.js';
import { clusterArb, clusterYaml, flowArb, flowFor, type ClusterShape, type FlowShape } from './run-generate.js';

/**
 * The seeded campaign (docs/design.md "differential tests"): random small clusters (namespaces,
 * labelled pods on two nodes, host endpoints, policies in up to three tiers with Allow,
 * Deny, Pass and Log rules, staged policies, host policies with applyOnForward, preDNAT
 * and doNotTrack, a profile) as YAML text → loadModel → plan → buildProgram per node, and
 * random flows: the reference evaluator and the run over the program must agree.
 * Rerun a failure with CALPOL_SEED=<seed> (and CALPOL_RUNS for a longer campaign).
 */

const SEED = Number(process.env.CALPOL_SEED ?? 20_261_123);
const RUNS = Number(process.env.CALPOL_RUNS ?? 600);
/** The IR as built, and the IR emitted (nft JSON; iptables-restore + ipsets) and decoded back: the emitted rulesets. */
const TARGETS = ['ir', 'nft', 'iptables'] as const;
const TARGET_NAMES = { ir: 'the IR', nft: 'the decoded nft JSON', iptables: 'the decoded iptables-restore text' };
/** CALPOL_RUN_SURVEY=1: run the whole campaign and print one example per class of disagreement. */
const FLOWS = 100;
const SURVEY = process.env.CALPOL_RUN_SURVEY !== undefined;

function describeTraces(reference: Trace, ran: RunFlowResult): string {
  const stages = reference.stages.map((stage) => `    ${stage.title}: ${stage.outcome}`).join('\n');
  const traversals = ran.traversals
    .map((trace, index) => {
      const hits = trace.rulesHit.map((hit) => `      ${hit.chain}[${hit.index}] ${hit.origin.id}`).join('\n');
      return `    traversal ${index}: ${trace.verdict} (${trace.baseChains.map((b) => `${b.table}/${b.hook}:${b.outcome}`).join(' ')})\n${hits}`;
    })
    .join('\n');
  return `  reference:\n${stages}\n  run:\n${traversals}`;
}

interface Outcome {
  compared: number;
  skipped?: string;
  difference?: string;
  /** A short class of the difference (ends, nodes, what decided on each side), for survey runs. */
  differenceClass?: string;
}

function endKind(endpoint: Endpoint | undefined): string {
  return endpoint === undefined ? 'external' : endpoint.kind === 'host' ? 'host' : 'pod';
}

function classify(flow: ResolvedFlow, reference: Trace, ran: RunFlowResult): string {
  const source = flow.sourceEndpoint;
  const destination = flow.destinationEndpoint;
  const nodes = source?.node !== undefined && destination?.node !== undefined ? (source.node === destination.node ? 'same node' : 'two nodes') : 'one node';
  const deciding = reference.stages[reference.decidingStage]?.title.replace(/ [a-z]\/pod-\d+| host endpoint hep-\d+/g, ' X') ?? 'no stage';
  const last = ran.traversals.at(-1);
  const decided = last?.final;
  const hit = decided ? [...(last?.rulesHit ?? [])].reverse().find((h) => h.chain === decided.chain && h.index === decided.index) : undefined;
  const final = hit ? hit.origin.id : 'a base-chain policy';
  const finalClass = final?.startsWith('s:') || final === 'a base-chain policy' ? final : `${final?.slice(0, 1)}:…`;
  return `${endKind(source)} -> ${endKind(destination)} (${nodes}): reference ${reference.verdict} at "${deciding}", run ${ran.verdict} at ${finalClass}`;
}

/** Evaluates the flows both ways on one generated cluster; the first disagreement, if any. */
function campaignCase(shape: ClusterShape, flowShapes: FlowShape[], endpointToHost: EndpointToHostAction): Outcome {
  const yaml = clusterYaml(shape);
  const model = loadModel([{ file: 'generated.yaml', bytes: new TextEncoder().encode(yaml) }]);
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`generator produced invalid input:\n${errors.map((e) => `${e.code}: ${e.message}`).join('\n')}\n${yaml}`);
  const plan = buildTierPlan(model.policySet, model.inventory);
  const evaluators = nodeEvaluators(plan, { endpointToHostAction: endpointToHost });
  const reference = referenceEvaluator(plan, { endpointToHostAction: endpointToHost });
  const directory = new EndpointDirectory(model.inventory);
  const ends = model.inventory.endpoints.map((e) => ({ name: e.kind === 'host' ? `hep:${e.name}` : `${e.namespace ?? ''}/${e.name}`, kind: e.kind, node: e.node }));
  let compared = 0;
  for (const flowShape of flowShapes) {
    const flow = flowFor(flowShape, ends);
    const resolved = resolveFlow({ ...flow, span: syntheticSpan('<campaign>'), fieldSpans: {} }, directory);
    if (!resolved.ok) continue;
    const expected = reference.evaluate(resolved.flow);
    for (const target of TARGETS) {
      const ran = runFlow(evaluators[target], resolved.flow);
      // A program the compiler itself refuses (error diagnostics) is not held to the reference.
      if (evaluators.buildErrors.length > 0) return { compared, skipped: evaluators.buildErrors[0] as string };
      if (expected.verdict === ran.verdict) continue;
      const via = `${flow.ingressHostEndpoint ? ` in by ${flow.ingressHostEndpoint}` : ''}${flow.egressHostEndpoint ? ` out by ${flow.egressHostEndpoint}` : ''}`;
      const what = `${flow.src} -> ${flow.dst}${via} ${flow.protocol}${flow.port !== undefined ? `/${flow.port} (sport ${flow.sport})` : ''}${flow.icmpType !== undefined ? ` type ${flow.icmpType} code ${flow.icmpCode}` : ''}`;
      return {
        compared,
        differenceClass: `${target}: ${classify(resolved.flow, expected, ran)}`,
        difference: `${what}: reference ${expected.verdict}, run over ${TARGET_NAMES[target]} ${ran.verdict} (endpoint-to-host ${endpointToHost})\n${describeTraces(expected, ran)}\n--- cluster ---\n${yaml}`,
      };
    }
    compared++;
  }
  return { compared };
}

describe('run = reference on generated clusters', () => {
  it(`agrees on ${RUNS} random clusters × ${FLOWS} flows (seed ${SEED}; rerun with CALPOL_SEED=<seed>)`, () => {
    let compared = 0;
    const skipped = new Map<string, number>();
    const survey = new Map<string, { count: number; example: string }>();
    const property = fc.property(
      clusterArb,
      fc.array(flowArb, { minLength: FLOWS, maxLength: FLOWS }),
      fc.constantFrom<EndpointToHostAction>('drop', 'accept', 'return'),
      (shape, flows, endpointToHost) => {
        const outcome = campaignCase(shape, flows, endpointToHost);
        compared += outcome.compared;
        if (outcome.skipped) skipped.set(outcome.skipped, (skipped.get(outcome.skipped) ?? 0) + 1);
        if (outcome.difference && SURVEY) {
          const known = survey.get(outcome.differenceClass as string);
          if (known) known.count++;
          else survey.set(outcome.differenceClass as string, { count: 1, example: outcome.difference });
        } else if (outcome.difference) throw new Error(outcome.difference);
      },
    );
    // fast-check prints the seed and the shrunk counterexample's path on failure.
    fc.assert(property, { seed: SEED, numRuns: RUNS });
    // Printed every run: the campaign's size is part of what CI proves (≥ 100k packets through the evaluators).
    console.log(`campaign: ${compared} flows × ${TARGETS.length} programs (${TARGETS.join(', ')}) = ${compared * TARGETS.length} packets, 0 disagreements; skipped clusters: ${JSON.stringify([...skipped])}`);
    for (const [kind, { count, example }] of survey) console.log(`${count}× ${kind}\n${example.split('--- cluster ---')[0]}`);
    expect(survey.size).toBe(0);
    expect(compared).toBeGreaterThan(RUNS * 5);
    if (!process.env.CALPOL_RUNS) expect(compared * TARGETS.length).toBeGreaterThanOrEqual(100_000);
  });
});
