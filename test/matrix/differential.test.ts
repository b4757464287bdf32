import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticSpan } from '../../src/diag/index.js';
import { referenceEvaluator, type EndpointToHostAction, type Trace } from '../../src/eval/index.js';
import { EndpointDirectory, decidingFact, resolveFlow, RuleLookup } from '../../src/explain/index.js';
import { cellFlow, cellTrace, defaultProbes, endpointName, matrixVerdicts, parseProbes, type MatrixResult } from '../../src/matrix/index.js';
import { loadModel, normalize, type Resource } from '../../src/model/index.js';
import { buildTierPlan, parseFailsafePorts, type FailsafeConfig, type TierPlan } from '../../src/tiers/index.js';
import { clusterArb, clusterResources } from './generate.js';

/**
 * The matrix shares work between cells; the reference evaluator runs every flow on its
 * own. They must agree on every cell: verdict, deciding stage (step for step) and the
 * deciding fact, for flows named exactly as `calpol explain --src A --dst B` names them.
 */

const PROBES = 'tcp/80,tcp/5432,udp/53,tcp/8080,tcp/8050,icmp,icmpv6,tcp/22,tcp/179';
const SEED = Number(process.env.CALPOL_SEED ?? 20260815);

function failsafe(withNets: boolean): FailsafeConfig {
  const parse = (text: string) => {
    const parsed = parseFailsafePorts(text);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.ports;
  };
  return withNets
    ? { inbound: parse('tcp:22,tcp:10.0.0.0/24:5432'), outbound: parse('udp:53,tcp:10.0.1.0/24:80,tcp:fd00::/64:8080') }
    : { inbound: parse('tcp:22,udp:68,tcp:179'), outbound: parse('udp:53,tcp:179') };
}

function planOf(resources: Resource[], withNets: boolean): TierPlan {
  const normalized = normalize(resources);
  return buildTierPlan(normalized.policySet, normalized.inventory, { failsafe: failsafe(withNets) });
}

function referenceTrace(plan: TierPlan, directory: EndpointDirectory, action: EndpointToHostAction, cell: { src: string; dst: string; protocol: string; port?: number }) {
  const resolved = resolveFlow({ ...cell, span: syntheticSpan('<test>'), fieldSpans: {} }, directory);
  // Explain stands an address in for a host endpoint that lists none (and notes it); the
  // matrix has cells only between endpoints with addresses.
  if (!resolved.ok || resolved.flow.notes) return undefined;
  return { flow: resolved.flow, trace: referenceEvaluator(plan, { endpointToHostAction: action }).evaluate(resolved.flow) };
}

/** Compares every cell with the reference; returns a description of the first difference. */
function firstDifference(plan: TierPlan, result: MatrixResult, action: EndpointToHostAction): string | undefined {
  const directory = new EndpointDirectory(plan.inventory);
  const lookup = new RuleLookup(plan.policySet);
  const byKey = new Map(result.cells.map((cell) => [`${cell.source}|${cell.destination}|${cell.probe}`, cell]));
  const all = plan.inventory.endpoints;
  for (const [probeIndex, probe] of result.probes.entries()) {
    for (const source of all) {
      for (const destination of all) {
        if (source === destination) continue;
        const names = { src: endpointName(source), dst: endpointName(destination), protocol: probe.protocol.toUpperCase() };
        const reference = referenceTrace(plan, directory, action, probe.port === undefined ? names : { ...names, port: probe.port });
        const sourcePosition = result.endpoints.findIndex((e) => e.endpoint === source);
        const destinationPosition = result.endpoints.findIndex((e) => e.endpoint === destination);
        const cell = byKey.get(`${sourcePosition}|${destinationPosition}|${probeIndex}`);
        const what = `${names.src} -> ${names.dst} ${probe.label}`;
        if (!reference || !cell) {
          if (reference || cell) return `${what}: reference ${reference ? 'has' : 'has no'} flow, matrix ${cell ? 'has' : 'has no'} cell`;
          continue;
        }
        const mine: Trace = cellTrace(result, cell);
        const theirs = reference.trace;
        if (cell.verdict !== theirs.verdict) return `${what}: matrix ${cell.verdict}, reference ${theirs.verdict}`;
        expect(mine.stages[0], what).toEqual(theirs.stages[theirs.decidingStage]);
        expect(decidingFact(mine, cellFlow(result, cell), lookup), what).toBe(decidingFact(theirs, reference.flow, lookup));
        expect(cellFlow(result, cell), what).toEqual(reference.flow);
        expect(cell.ipVersion, what).toBe(reference.flow.packet.ipVersion);
      }
    }
  }
  return undefined;
}

describe('matrix = reference evaluator, cell by cell', () => {
  it(`agrees on generated clusters (seed ${SEED}; rerun with CALPOL_SEED=<seed>)`, () => {
    const probes = parseProbes(PROBES);
    if (!probes.ok) throw new Error(probes.error);
    const property = fc.property(
      clusterArb,
      fc.constantFrom<EndpointToHostAction>('drop', 'accept', 'return'),
      fc.boolean(),
      (shape, action, withNets) => {
        const plan = planOf(clusterResources(shape), withNets);
        const result = matrixVerdicts(plan, { probes: probes.probes, endpointToHostAction: action });
        expect(result.count).toBe(result.cells.length);
        const difference = firstDifference(plan, result, action);
        expect(difference).toBeUndefined();
      },
    );
    // On failure fast-check reports the seed and the path of the shrunk counterexample.
    fc.assert(property, { seed: SEED, numRuns: 150 });
  });

  it('shares work: far fewer chain evaluations than cells on a repetitive cluster', () => {
    const probes = parseProbes('tcp/80,tcp/5432');
    if (!probes.ok) throw new Error(probes.error);
    const shape = fc.sample(clusterArb, { seed: SEED, numRuns: 1 })[0]!;
    const pods = Array.from({ length: 40 }, (_, i) => ({ ...shape.pods[0]!, host: i + 1, family: 'v4' as const, labels: { app: ['web', 'db'][i % 2]! } }));
    const plan = planOf(clusterResources({ ...shape, pods, heps: [] }), false);
    const result = matrixVerdicts(plan, { probes: probes.probes });
    expect(result.count).toBe(40 * 39 * 2);
    expect(result.evaluations).toBeLessThan(result.count / 10);
    expect(firstDifference(plan, result, 'drop')).toBeUndefined();
  });
});

describe('matrix = reference evaluator on the examples', () => {
  const examples = readdirSync('examples').sort();
  it.each(examples)('examples/%s', (name) => {
    const directory = join('examples', name);
    const files = readdirSync(directory).filter((file) => /\.(ya?ml|json)$/.test(file) && !file.includes('.flows.')).sort();
    const model = loadModel(files.map((file) => ({ file: join(directory, file), bytes: readFileSync(join(directory, file)) })));
    if (model.hasErrors) return; // an example of an input error (lint's business)
    const plan = buildTierPlan(model.policySet, model.inventory);
    const extra = parseProbes('icmp,icmpv6,tcp/22,udp/53');
    if (!extra.ok) throw new Error(extra.error);
    for (const action of ['drop', 'accept'] as const) {
      const result = matrixVerdicts(plan, { probes: [...defaultProbes(model.policySet).probes, ...extra.probes], endpointToHostAction: action });
      expect(firstDifference(plan, result, action)).toBeUndefined();
    }
  });
});
