import type { Endpoint } from '../model/index.js';
import type { ResolvedFlow } from './packet.js';
import type { RunEvaluator, RunInput, RunTrace } from './run.js';

/**
 * How a resolved flow crosses nodes, as inputs for the emitted-ruleset evaluator. The
 * node model is DESIGN.md's: a pod is a /32 behind a routed veth whose host end is its
 * `cali…` interface, so everything a pod sends or receives is routed by its node
 * (FORWARD), except what the node itself sends (OUTPUT) or receives (INPUT). Anything
 * not an endpoint of the inventory is "external" and enters or leaves a node by its
 * uplink (`eth0` unless given), or by the interface of the host endpoint the flow names.
 *
 * Decisions (each mirrors the hops src/eval/reference.ts evaluates for the same flow):
 * - pod → pod, same node: one forward traversal, in = source veth, out = destination veth.
 * - pod → pod, two nodes: forward at the source node (in = source veth, out = uplink), then
 *   forward at the destination node (in = uplink, out = destination veth).
 * - pod → external: forward, in = pod veth, out = the egress host endpoint's interface or the uplink.
 * - external → pod: forward, in = the ingress host endpoint's interface or the uplink, out = pod veth.
 * - pod → host endpoint, same node: input, in = pod veth (workload egress, then the
 *   endpoint-to-host action; the host endpoint's ingress policy does not apply).
 * - pod → host endpoint, other node: forward at the pod's node (out = uplink), then input at
 *   the host endpoint's node (in = its interface).
 * - external → host endpoint: input, in = the ingress host endpoint's interface (default: the
 *   destination's own; the uplink when it has none or is `*`).
 * - host endpoint → external: output, out = the egress host endpoint's interface (default:
 *   the source's own, or the uplink).
 * - host endpoint → pod on its node: output, out = pod veth (Felix lets the host reach its
 *   own workloads; the reference evaluates no hop either).
 * - host endpoint → pod on another node: output at the source (out = its interface), then
 *   forward at the pod's node (in = uplink, out = pod veth).
 * - host endpoint → host endpoint: output at the source (out = its interface), then input at
 *   the destination (in = its interface), whatever the nodes: the reference applies both
 *   endpoints' policies, which two traversals reproduce (loopback is not modelled).
 * - external → external: forward, in = ingress host endpoint's interface or uplink, out =
 *   egress host endpoint's interface or uplink (the host endpoint forward chains).
 * `flow.path` is not consulted: like the reference, the endpoints decide.
 */

export interface RunFlowOptions {
  /** The interface external traffic uses (default `eth0`). */
  uplinkInterface?: string;
}

const DEFAULT_UPLINK = 'eth0';

const sameNode = (a: Endpoint, b: Endpoint) => a.node === undefined || b.node === undefined || a.node === b.node;

function workloadInterface(endpoint: Endpoint): string {
  if (endpoint.interfaceName === undefined) throw new Error(`run: workload ${endpoint.key} has no interface name`);
  return endpoint.interfaceName;
}

/** A host endpoint's own interface; the uplink for `*` (all interfaces) or expectedIPs-only endpoints. */
function hostInterface(endpoint: Endpoint | undefined, uplink: string): string {
  const name = endpoint?.interfaceName;
  return name === undefined || name === '*' ? uplink : name;
}

function traversal(flow: ResolvedFlow, node: string | undefined, fields: Omit<RunInput, 'packet' | 'node'>): RunInput {
  const input: RunInput = { packet: flow.packet, ...fields };
  if (node !== undefined) input.node = node;
  return input;
}

function fromWorkload(flow: ResolvedFlow, source: Endpoint, uplink: string): RunInput[] {
  const destination = flow.destinationEndpoint;
  const sourceInterface = workloadInterface(source);
  if (destination === undefined) {
    return [traversal(flow, source.node, { path: 'forward', inInterface: sourceInterface, outInterface: hostInterface(flow.egressHostEndpoint, uplink) })];
  }
  if (sameNode(source, destination)) {
    if (destination.kind === 'host') return [traversal(flow, source.node, { path: 'input', inInterface: sourceInterface })];
    return [traversal(flow, source.node, { path: 'forward', inInterface: sourceInterface, outInterface: workloadInterface(destination) })];
  }
  const leave = traversal(flow, source.node, { path: 'forward', inInterface: sourceInterface, outInterface: hostInterface(flow.egressHostEndpoint, uplink) });
  const arrive =
    destination.kind === 'host'
      ? traversal(flow, destination.node, { path: 'input', inInterface: hostInterface(flow.ingressHostEndpoint ?? destination, uplink) })
      : traversal(flow, destination.node, { path: 'forward', inInterface: hostInterface(flow.ingressHostEndpoint, uplink), outInterface: workloadInterface(destination) });
  return [leave, arrive];
}

function fromHost(flow: ResolvedFlow, source: Endpoint, uplink: string): RunInput[] {
  const destination = flow.destinationEndpoint;
  if (destination?.kind === 'workload' && sameNode(source, destination)) {
    return [traversal(flow, source.node, { path: 'output', outInterface: workloadInterface(destination) })];
  }
  const leave = traversal(flow, source.node, { path: 'output', outInterface: hostInterface(flow.egressHostEndpoint ?? source, uplink) });
  if (destination === undefined) return [leave];
  const arrive =
    destination.kind === 'host'
      ? traversal(flow, destination.node, { path: 'input', inInterface: hostInterface(flow.ingressHostEndpoint ?? destination, uplink) })
      : traversal(flow, destination.node, { path: 'forward', inInterface: uplink, outInterface: workloadInterface(destination) });
  return [leave, arrive];
}

function fromExternal(flow: ResolvedFlow, uplink: string): RunInput[] {
  const destination = flow.destinationEndpoint;
  const inInterface = hostInterface(flow.ingressHostEndpoint, uplink);
  if (destination === undefined) {
    const node = flow.ingressHostEndpoint?.node ?? flow.egressHostEndpoint?.node;
    return [traversal(flow, node, { path: 'forward', inInterface, outInterface: hostInterface(flow.egressHostEndpoint, uplink) })];
  }
  if (destination.kind === 'host') {
    return [traversal(flow, destination.node, { path: 'input', inInterface: hostInterface(flow.ingressHostEndpoint ?? destination, uplink) })];
  }
  return [traversal(flow, destination.node, { path: 'forward', inInterface, outInterface: workloadInterface(destination) })];
}

/** The node traversals of one flow, in order (see the decisions above). */
export function runInputsFor(flow: ResolvedFlow, options: RunFlowOptions = {}): RunInput[] {
  const uplink = options.uplinkInterface ?? DEFAULT_UPLINK;
  const source = flow.sourceEndpoint;
  if (source?.kind === 'workload') return fromWorkload(flow, source, uplink);
  if (source?.kind === 'host') return fromHost(flow, source, uplink);
  return fromExternal(flow, uplink);
}

export interface RunFlowResult {
  verdict: 'allow' | 'deny';
  /** One trace per traversal run; evaluation stops at the first drop (the packet goes no further). */
  traversals: RunTrace[];
}

/** One evaluator for all nodes, or the evaluator of a node's program. */
export type EvaluatorForNode = RunEvaluator | ((node: string | undefined) => RunEvaluator);

/** Runs a flow through every node it crosses; allowed only if every traversal accepts. */
export function runFlow(evaluator: EvaluatorForNode, flow: ResolvedFlow, options: RunFlowOptions = {}): RunFlowResult {
  const traversals: RunTrace[] = [];
  for (const input of runInputsFor(flow, options)) {
    const forNode = typeof evaluator === 'function' ? evaluator(input.node) : evaluator;
    const trace = forNode.run(input);
    traversals.push(trace);
    if (trace.verdict === 'drop') return { verdict: 'deny', traversals };
  }
  return { verdict: 'allow', traversals };
}
