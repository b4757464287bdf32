import { ICMPV6_TO_HOST_TYPES } from '../ir/index.js';
import type { Endpoint } from '../model/index.js';
import { planFor, type ChainKind, type Direction, type FailsafePort, type TierPlan } from '../tiers/index.js';
import { prefixContains, parsePrefix } from '../model/index.js';
import { evaluateChain } from './chain.js';
import { IpSets } from './ipsets.js';
import type { Packet, ResolvedFlow } from './packet.js';
import type { StageTrace, Trace } from './trace.js';

/** What Felix does with traffic from a local workload to the host itself (DefaultEndpointToHostAction). */
export type EndpointToHostAction = 'drop' | 'accept' | 'return';

export interface ReferenceOptions {
  endpointToHostAction?: EndpointToHostAction;
}

/** A reference evaluator bound to one plan (IP sets are built lazily and reused across flows). */
export interface ReferenceEvaluator {
  plan: TierPlan;
  evaluate(flow: ResolvedFlow): Trace;
}

export function referenceEvaluator(plan: TierPlan, options: ReferenceOptions = {}): ReferenceEvaluator {
  const ipSets = new IpSets(plan);
  const endpointToHost = options.endpointToHostAction ?? 'drop';
  return { plan, evaluate: (flow) => evaluateFlow(plan, ipSets, flow, endpointToHost) };
}

/** Convenience for one flow. */
export function reference(plan: TierPlan, flow: ResolvedFlow, options: ReferenceOptions = {}): Trace {
  return referenceEvaluator(plan, options).evaluate(flow);
}

function describe(endpoint: Endpoint): string {
  return endpoint.kind === 'host' ? `host endpoint ${endpoint.name}` : `${endpoint.namespace ? `${endpoint.namespace}/` : ''}${endpoint.name}`;
}

function failsafeMatches(port: FailsafePort, packet: Packet, inbound: boolean, portSide: 'source' | 'destination'): boolean {
  const protocol = port.protocol === 'tcp' ? 6 : port.protocol === 'udp' ? 17 : 132;
  const packetPort = portSide === 'destination' ? packet.destinationPort : packet.sourcePort;
  if (packet.protocol !== protocol || packetPort !== port.port) return false;
  if (port.net === undefined) return true;
  const net = parsePrefix(port.net);
  // The net is always the remote end: the source of inbound traffic, the destination of outbound.
  return net !== undefined && prefixContains(net, inbound ? packet.source : packet.destination);
}

/**
 * The failsafe port a packet matches on a host endpoint's chain, if any: the list for its
 * direction by destination port; in the raw (untracked) chain also the opposite list by
 * source port (replies to failsafe connections, before conntrack has seen them).
 */
function failsafeFor(plan: TierPlan, packet: Packet, inbound: boolean, chain: ChainKind): FailsafePort | undefined {
  const sameDirection = inbound ? plan.failsafe.inbound : plan.failsafe.outbound;
  const opposite = inbound ? plan.failsafe.outbound : plan.failsafe.inbound;
  return (
    sameDirection.find((port) => failsafeMatches(port, packet, inbound, 'destination')) ??
    (chain === 'untracked' ? opposite.find((port) => failsafeMatches(port, packet, inbound, 'source')) : undefined)
  );
}

interface Hop {
  endpoint: Endpoint;
  direction: Direction;
  chain: ChainKind;
}

function runHop(plan: TierPlan, ipSets: IpSets, hop: Hop, packet: Packet): StageTrace {
  const verb = hop.direction === 'ingress' ? 'ingress to' : 'egress from';
  const chainNote = hop.chain === 'normal' ? '' : ` (${hop.chain === 'preDNAT' ? 'pre-DNAT' : hop.chain} policy)`;
  const title = `${verb} ${describe(hop.endpoint)}${chainNote}`;
  // Failsafe ports come before any policy on a host endpoint's own (non-forward) chains.
  // In the filter table the accept is final; in raw and mangle it ends only that table's
  // chain, and the packet goes on to the next stage of the same endpoint.
  if (hop.endpoint.kind === 'host' && hop.chain !== 'forward') {
    const inbound = hop.direction === 'ingress';
    const port = failsafeFor(plan, packet, inbound, hop.chain);
    if (port) {
      return {
        title,
        endpoint: { key: hop.endpoint.key, kind: 'host', name: hop.endpoint.name },
        direction: hop.direction,
        chain: hop.chain,
        outcome: hop.chain === 'normal' ? 'allow' : 'continue',
        steps: [{ kind: 'failsafe', direction: inbound ? 'inbound' : 'outbound', port }],
        ...(hop.chain === 'normal' ? { decidedBy: 0 } : {}),
      };
    }
  }
  return evaluateChain(planFor(plan, hop.endpoint, hop.direction, hop.chain), packet, ipSets, title);
}

const sameNode = (a: Endpoint, b: Endpoint) => a.node === undefined || b.node === undefined || a.node === b.node;

const hostIngress = (hep: Endpoint): Hop[] => [
  { endpoint: hep, direction: 'ingress', chain: 'untracked' },
  { endpoint: hep, direction: 'ingress', chain: 'preDNAT' },
  { endpoint: hep, direction: 'ingress', chain: 'normal' },
];
const forwardIngress = (hep: Endpoint): Hop[] => [
  { endpoint: hep, direction: 'ingress', chain: 'untracked' },
  { endpoint: hep, direction: 'ingress', chain: 'preDNAT' },
  { endpoint: hep, direction: 'ingress', chain: 'forward' },
];
const forwardEgress = (hep: Endpoint): Hop[] => [
  { endpoint: hep, direction: 'egress', chain: 'forward' },
  { endpoint: hep, direction: 'egress', chain: 'untracked' },
];

/** Source side: the chains at the source's node. */
function sourceHops(flow: ResolvedFlow, source: Endpoint | undefined, destination: Endpoint | undefined): Hop[][] {
  if (!source) return [];
  if (source.kind === 'workload') return [[{ endpoint: source, direction: 'egress', chain: 'normal' }]];
  // Felix does not police host → local workload traffic at all: its OUTPUT chain returns
  // for packets to workload interfaces before any host endpoint or workload ingress
  // policy (felix/rules/static.go filterOutputChain: "generally very useful to be able
  // to contact any local workload from the host").
  if (destination?.kind === 'workload' && sameNode(source, destination)) return [];
  const hep = flow.egressHostEndpoint ?? source;
  return [[{ endpoint: hep, direction: 'egress', chain: 'untracked' }, { endpoint: hep, direction: 'egress', chain: 'normal' }]];
}

/** Destination side: the chains at the destination's node (forward chains of the host endpoints crossed). */
function destinationHops(flow: ResolvedFlow, source: Endpoint | undefined, destination: Endpoint | undefined): Hop[][] {
  const groups: Hop[][] = [];
  // Host → local workload is not policed at all (see sourceHops).
  if (source?.kind === 'host' && destination?.kind === 'workload' && sameNode(source, destination)) return [];
  if (destination?.kind === 'host') {
    // From a local workload to its host: workload egress, then DefaultEndpointToHostAction (added by the caller).
    if (source?.kind === 'workload' && sameNode(source, destination)) return [];
    return [hostIngress(flow.ingressHostEndpoint ?? destination)];
  }
  if (flow.ingressHostEndpoint && source?.kind !== 'host') groups.push(forwardIngress(flow.ingressHostEndpoint));
  if (flow.egressHostEndpoint && source?.kind !== 'host') groups.push(forwardEgress(flow.egressHostEndpoint));
  if (destination?.kind === 'workload') groups.push([{ endpoint: destination, direction: 'ingress', chain: 'normal' }]);
  return groups;
}

/**
 * The chains a flow crosses, in the order the kernel runs them (docs/calico-semantics.md §3.5–3.6): the
 * source's node before the destination's; on a host endpoint untracked (raw) before
 * pre-DNAT (mangle) before filter. An untracked or pre-DNAT accept skips the rest of that
 * host endpoint's chains (the accept mark carries into the filter table), not the
 * workload's. Endpoints on different nodes (by `node`) are checked at their own node.
 */
function hopsFor(flow: ResolvedFlow): Hop[][] {
  const source = flow.sourceEndpoint;
  const destination = flow.destinationEndpoint;
  return [...sourceHops(flow, source, destination), ...destinationHops(flow, source, destination)];
}

function endpointToHostApplies(flow: ResolvedFlow): boolean {
  const source = flow.sourceEndpoint;
  const destination = flow.destinationEndpoint;
  return source?.kind === 'workload' && destination?.kind === 'host' && sameNode(source, destination);
}

function evaluateFlow(plan: TierPlan, ipSets: IpSets, flow: ResolvedFlow, endpointToHost: EndpointToHostAction): Trace {
  const stages: StageTrace[] = [];
  const packet = flow.packet;
  if (endpointToHostApplies(flow) && flow.sourceEndpoint && packet.protocol === 58 && ICMPV6_TO_HOST_TYPES.includes(packet.icmpType ?? -1)) {
    stages.push({
      title: `from ${describe(flow.sourceEndpoint)} to the host (IPv6 neighbour discovery)`,
      direction: 'egress',
      chain: 'normal',
      outcome: 'allow',
      steps: [{ kind: 'icmpv6-to-host', type: packet.icmpType as number }],
      decidedBy: 0,
    });
    return { verdict: 'allow', stages, decidingStage: 0 };
  }
  for (const group of hopsFor(flow)) {
    for (const hop of group) {
      const stage = runHop(plan, ipSets, hop, flow.packet);
      // A chain with nothing in it (an untracked or pre-DNAT chain no policy uses) is not a stage.
      if (stage.outcome === 'continue' && stage.steps.length === 0) continue;
      stages.push(stage);
      if (stage.outcome === 'deny') return { verdict: 'deny', stages, decidingStage: stages.length - 1 };
      // An untracked or pre-DNAT accept ends this endpoint's group; a normal accept ends its chain anyway.
      if (stage.outcome === 'allow') break;
    }
  }
  if (endpointToHostApplies(flow) && flow.sourceEndpoint) {
    const allowed = endpointToHost !== 'drop';
    stages.push({
      title: `from ${describe(flow.sourceEndpoint)} to the host (DefaultEndpointToHostAction)`,
      direction: 'egress',
      chain: 'normal',
      outcome: allowed ? 'allow' : 'deny',
      steps: [{ kind: 'endpoint-to-host', action: endpointToHost }],
      decidedBy: 0,
    });
    if (!allowed) return { verdict: 'deny', stages, decidingStage: stages.length - 1 };
  }
  const deciding = stages.length === 0 ? 0 : stages.length - 1;
  return { verdict: 'allow', stages, decidingStage: deciding };
}
