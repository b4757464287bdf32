import type { EndpointToHostAction, PathKind, StageTrace } from '../eval/index.js';
import type { Endpoint } from '../model/index.js';
import type { ChainKind, Direction, FailsafePort, TierPlan } from '../tiers/index.js';

/**
 * The chains a flow between two inventory endpoints crosses, as the reference evaluator
 * lays them out (eval/reference.ts hopsFor) for the flows `calpol explain` derives from
 * two endpoint names: which chains run depends on the kinds of the two ends and on
 * whether they are on the same node. The differential test checks this layout against
 * the reference evaluator cell by cell.
 */
export interface Hop {
  side: 'source' | 'destination';
  direction: Direction;
  chain: ChainKind;
  /** Position in HOPS (each endpoint keeps its plans by slot). */
  slot: number;
}

export interface PathLayout {
  path: PathKind;
  /** Hops in groups: an allow ends its group (an untracked accept skips the endpoint's filter chain). */
  groups: Hop[][];
  /** Whether the workload-to-host rule (DefaultEndpointToHostAction) follows the groups. */
  endpointToHost: boolean;
}

const hop = (side: Hop['side'], direction: Direction, chain: ChainKind, slot: number): Hop => ({ side, direction, chain, slot });
const sourceEgress = hop('source', 'egress', 'normal', 0);
const sourceUntracked = hop('source', 'egress', 'untracked', 1);
const destinationIngress = hop('destination', 'ingress', 'normal', 2);
const destinationUntracked = hop('destination', 'ingress', 'untracked', 3);
const destinationPreDNAT = hop('destination', 'ingress', 'preDNAT', 4);

/** Every hop any layout uses. */
export const HOPS: readonly Hop[] = [sourceEgress, sourceUntracked, destinationIngress, destinationUntracked, destinationPreDNAT];

/** Endpoints whose node is unknown count as local to every node (as the reference evaluator has it). */
export function sameNode(a: Endpoint, b: Endpoint): boolean {
  return a.node === undefined || b.node === undefined || a.node === b.node;
}

function makeLayout(source: Endpoint['kind'], destination: Endpoint['kind'], local: boolean): PathLayout {
  const groups: Hop[][] = [];
  // A host reaches a local workload without any policy on either side (Felix's OUTPUT chain returns first).
  const unpoliced = source === 'host' && destination === 'workload' && local;
  if (source === 'workload') groups.push([sourceEgress]);
  else if (!unpoliced) groups.push([sourceUntracked, sourceEgress]);
  // A local workload reaches its own host through DefaultEndpointToHostAction, not the host endpoint's policy.
  if (destination === 'workload') {
    if (!unpoliced) groups.push([destinationIngress]);
  } else if (!(source === 'workload' && local)) groups.push([destinationUntracked, destinationPreDNAT, destinationIngress]);
  const path: PathKind = source === 'host' ? 'host-egress' : destination === 'host' ? 'host-ingress' : 'workload';
  return { path, groups, endpointToHost: source === 'workload' && destination === 'host' && local };
}

const LAYOUTS = new Map<string, PathLayout>();
for (const source of ['workload', 'host'] as const) {
  for (const destination of ['workload', 'host'] as const) {
    for (const local of [true, false]) LAYOUTS.set(`${source}|${destination}|${local}`, makeLayout(source, destination, local));
  }
}

export function layoutFor(source: Endpoint, destination: Endpoint): PathLayout {
  return LAYOUTS.get(`${source.kind}|${destination.kind}|${sameNode(source, destination)}`) as PathLayout;
}

function describe(endpoint: Endpoint): string {
  return endpoint.kind === 'host' ? `host endpoint ${endpoint.name}` : `${endpoint.namespace ? `${endpoint.namespace}/` : ''}${endpoint.name}`;
}

/** The title the reference evaluator gives a chain of an endpoint (eval/reference.ts runHop). */
export function hopTitle(endpoint: Endpoint, direction: Direction, chain: ChainKind): string {
  const verb = direction === 'ingress' ? 'ingress to' : 'egress from';
  const chainNote = chain === 'normal' ? '' : ` (${chain === 'preDNAT' ? 'pre-DNAT' : chain} policy)`;
  return `${verb} ${describe(endpoint)}${chainNote}`;
}

export function endpointToHostTitle(source: Endpoint): string {
  return `from ${describe(source)} to the host (DefaultEndpointToHostAction)`;
}

/** A chain with nothing in it (an untracked or pre-DNAT chain no policy uses): the reference evaluator does not list it. */
export function isEmptyStage(stage: StageTrace): boolean {
  return stage.outcome === 'continue' && stage.steps.length === 0;
}

/** What the matrix files for a chain the reference evaluator passed over without listing it. */
export const EMPTY_STAGE: StageTrace = { title: '(empty chain)', direction: 'ingress', chain: 'untracked', outcome: 'continue', steps: [] };

/** The endpoint-to-host stage (the same for every flow with the same action; shared, never mutated). */
export function endpointToHostStage(action: EndpointToHostAction): StageTrace {
  return {
    title: 'from a workload to the host (DefaultEndpointToHostAction)',
    direction: 'egress',
    chain: 'normal',
    outcome: action === 'drop' ? 'deny' : 'allow',
    steps: [{ kind: 'endpoint-to-host', action }],
    decidedBy: 0,
  };
}

/**
 * The failsafe ports a host endpoint's own chain may consult (both lists: the reference
 * evaluator checks the opposite list by source port in untracked chains). Only their
 * nets matter to the matrix: they are address tests of the chain.
 */
export function failsafePorts(plan: TierPlan, endpoint: Endpoint, chain: ChainKind): readonly FailsafePort[] {
  if (endpoint.kind !== 'host' || chain === 'forward') return [];
  return [...plan.failsafe.inbound, ...plan.failsafe.outbound];
}
