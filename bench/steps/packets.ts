import { RunEvaluator, runInputsFor, type ResolvedFlow } from '../../src/eval/index.js';
import type { Program } from '../../src/ir/index.js';
import { parsePrefix, type Endpoint } from '../../src/model/index.js';
import { planFor, type Direction, type TierPlan } from '../../src/tiers/index.js';
import { Random } from '../generate/random.js';
import { compileProgram } from './compile.js';
import { loadValid, planOf, type PreparedStep, type Step, type StepContext } from './types.js';

/**
 * Rules a packet traverses in the emitted ruleset: random pod pairs whose source is on
 * the measured node (half of them with the destination on it too), run through the
 * emitted-ruleset evaluator over that node's program with `recordMisses`, so `rulesHit`
 * holds every rule whose match was evaluated. Each traversal is compared with its bound:
 * the IR rules of the policies (and profiles) that select the endpoints policed on this
 * node, for the direction concerned, plus the glue of Felix's endpoint-chain layout
 * (2 per policy: jump, "allowed?" return; 2 per tier: clear pass, end-of-tier drop; 2 per
 * profile; 2 per endpoint chain) plus RULES_CONSTANT for the hook and dispatch chains.
 */

export const PACKET_FLOWS = 2000;
export const RULES_CONSTANT = 16;

/** IR rules per `policy key|direction` and `profile:name|direction`, counted from the rules' origins. */
function rulesByOwner(program: Program): Map<string, number> {
  const counts = new Map<string, number>();
  for (const chain of program.chains) {
    for (const rule of chain.rules) {
      const origin = rule.origin;
      if (origin.ruleIndex === undefined || origin.direction === undefined) continue;
      const owner = origin.policy ?? (origin.profile !== undefined ? `profile:${origin.profile}` : undefined);
      if (owner === undefined) continue;
      const key = `${owner}|${origin.direction}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

function sideBound(plan: TierPlan, owned: Map<string, number>, endpoint: Endpoint, direction: Direction): number {
  const endpointPlan = planFor(plan, endpoint, direction);
  let bound = 2;
  for (const tier of endpointPlan.tiers) {
    const enforced = tier.policies.filter((policy) => !policy.staged);
    if (enforced.length === 0) continue;
    bound += 2;
    for (const policy of enforced) bound += 2 + (owned.get(`${policy.key}|${direction}`) ?? 0);
  }
  for (const step of endpointPlan.profiles) if (step.profile) bound += 2 + (owned.get(`profile:${step.name}|${direction}`) ?? 0);
  return bound;
}

function podFlow(src: Endpoint, dst: Endpoint, port: number): ResolvedFlow {
  const source = parsePrefix(src.addresses[0] as string);
  const destination = parsePrefix(dst.addresses[0] as string);
  if (!source || !destination) throw new Error('bug: pod without an address');
  const packet = {
    ipVersion: 4 as const,
    source,
    destination,
    sourceAddress: (src.addresses[0] as string).replace(/\/\d+$/, ''),
    destinationAddress: (dst.addresses[0] as string).replace(/\/\d+$/, ''),
    protocol: 6,
    sourcePort: 40000,
    destinationPort: port,
  };
  return { packet, path: 'workload', sourceEndpoint: src, destinationEndpoint: dst };
}

interface Sample {
  flow: ResolvedFlow;
  bound: number;
}

function samples(plan: TierPlan, program: Program, node: string, seed: number): Sample[] {
  const owned = rulesByOwner(program);
  const pods = plan.inventory.endpoints.filter((e) => e.kind === 'workload' && e.addresses.length > 0);
  const local = pods.filter((e) => e.node === node);
  if (local.length < 2) throw new Error(`node ${node} has fewer than 2 pods`);
  const random = new Random(seed);
  const out: Sample[] = [];
  for (let i = 0; i < PACKET_FLOWS; i++) {
    const src = random.pick(local);
    let dst = random.pick(i % 2 === 0 ? local : pods);
    while (dst === src) dst = random.pick(local);
    const port = random.chance(0.5) ? 8080 : random.pick([5432, 6379, 9090, 9000, 443]);
    let bound = RULES_CONSTANT + sideBound(plan, owned, src, 'egress');
    if (dst.node === node) bound += sideBound(plan, owned, dst, 'ingress');
    out.push({ flow: podFlow(src, dst, port), bound });
  }
  return out;
}

export const packetsStep: Step = {
  name: 'rules-per-packet',
  description: `${PACKET_FLOWS} pod→pod packets from the node's pods through the emitted-ruleset evaluator (recordMisses)`,
  prepare(context: StepContext): PreparedStep {
    const plan = planOf(loadValid(context.sources));
    const program = compileProgram(plan, { node: context.node });
    const evaluator = new RunEvaluator(program, { recordMisses: true });
    const flows = samples(plan, program, context.node, context.seed);
    let stats: Record<string, number> = {};
    return {
      run() {
        let total = 0, max = 0, over = 0, boundTotal = 0, accepted = 0, worstExcess = 0;
        for (const { flow, bound } of flows) {
          const input = runInputsFor(flow).find((candidate) => candidate.node === context.node);
          if (!input) throw new Error('bug: a sampled flow does not cross the measured node');
          const trace = evaluator.run(input);
          const hit = trace.rulesHit.length;
          total += hit;
          max = Math.max(max, hit);
          boundTotal += bound;
          if (hit > bound) over++;
          worstExcess = Math.max(worstExcess, hit - bound);
          if (trace.verdict === 'accept') accepted++;
        }
        const n = flows.length;
        stats = { packets: n, avg: total / n, max, avg_bound: boundTotal / n, over_bound: over, worst_excess: worstExcess, accepted };
      },
      extras: () => stats,
    };
  },
};
