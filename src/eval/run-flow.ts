import type { Endpoint } from '../model/index.js';
import type { ResolvedFlow } from './packet.js';
import type { RunEvaluator, RunInput, RunTrace } from './run.js';

/**
 * How a resolved flow crosses nodes, as inputs for the emitted-ruleset evaluator. The
 * node model is docs/design.md's: a pod is a /32 behind a routed veth whose host end is its
 * `cali…` interface, so everything a pod sends or receives is routed by its node
 * (FORWARD), except what the node itself sends (OUTPUT) or receives (INPUT). Anything
 * not an endpoint of the inventory is "external" and enters or leaves a node by its
 * uplink (`eth0` unless given), or by the interface of the host endpoint the flow names.
 *
 * The packet starts at the source's node (a pod: in by its veth; a host endpoint: sent by
 * the host; external: in by the named ingress host endpoint's interface, else the
 * uplink — or the destination host endpoint's own interface when that is where it is
 * going) and ends at the destination's node (a pod: out by its veth; a host endpoint:
 * received by the host; external: out by the named egress host endpoint's interface,
 * else the uplink — or the source host endpoint's own interface). An external end with
 * no host endpoint has no node of its own: the packet enters or leaves where the other
 * end is. Endpoints without a node are on every node. One node: one traversal; two
 * nodes: the source node (out by the uplink, or the host endpoint it leaves by) and then
 * the destination node (in by the uplink, or the host endpoint it arrives by).
 *
 * So (each mirrors the hops src/eval/reference.ts evaluates for the same flow):
 * - pod → pod, one node: forward, in = source veth, out = destination veth.
 * - pod → pod, two nodes: forward at each (source veth → uplink; uplink → destination veth).
 * - pod → external: forward, in = pod veth, out = egress host endpoint or uplink; if that
 *   host endpoint is on another node (a gateway), forward there too (uplink → its interface).
 * - external → pod: forward, in = ingress host endpoint or uplink, out = pod veth (two
 *   traversals when the ingress host endpoint is on another node).
 * - pod → host endpoint, one node: input, in = pod veth (workload egress, then the
 *   endpoint-to-host action; the host endpoint's ingress policy does not apply).
 * - pod → host endpoint, two nodes: forward (pod veth → uplink), then input (in = the host
 *   endpoint's interface).
 * - external → host endpoint: input, in = ingress host endpoint or the destination's own
 *   interface (the uplink when it has none or is `*`).
 * - host endpoint → external: output, out = egress host endpoint or the source's own interface.
 * - host endpoint → pod, one node: output, out = pod veth (Felix lets the host reach its own
 *   workloads without policy).
 * - host endpoint → pod, two nodes: output (out = its interface), then forward (uplink → pod veth).
 * - host endpoint → host endpoint: output (out = the source's interface), then input (in = the
 *   destination's interface), on one node or two: the reference applies both endpoints'
 *   policies, which this reproduces (loopback is not modelled).
 * - external → external: forward, in = ingress host endpoint or uplink, out = egress host
 *   endpoint or uplink (the host endpoint forward chains).
 * `flow.path` is not consulted: like the reference, the endpoints decide. A host endpoint
 * named for a host end must be on that end's node (else the flow is not physical).
 */

export interface RunFlowOptions {
  /** The interface external traffic uses (default `eth0`). */
  uplinkInterface?: string;
}

const DEFAULT_UPLINK = 'eth0';

const sameNode = (a: string | undefined, b: string | undefined) => a === undefined || b === undefined || a === b;

function workloadInterface(endpoint: Endpoint): string {
  if (endpoint.interfaceName === undefined) throw new Error(`run: workload ${endpoint.key} has no interface name`);
  return endpoint.interfaceName;
}

/** A host endpoint's own interface; the uplink for `*` (all interfaces) or expectedIPs-only endpoints. */
function hostInterface(endpoint: Endpoint | undefined, uplink: string): string {
  const name = endpoint?.interfaceName;
  return name === undefined || name === '*' ? uplink : name;
}

/** Where the packet is at one end of its path: a local pod or host process, or a wire (interface). */
type End = { kind: 'pod' | 'wire'; node: string | undefined; interfaceName: string } | { kind: 'host'; node: string | undefined };

function startOf(flow: ResolvedFlow, uplink: string): End {
  const source = flow.sourceEndpoint;
  if (source?.kind === 'workload') return { kind: 'pod', node: source.node, interfaceName: workloadInterface(source) };
  if (source?.kind === 'host') return { kind: 'host', node: source.node };
  const via = flow.ingressHostEndpoint ?? (flow.destinationEndpoint?.kind === 'host' ? flow.destinationEndpoint : undefined);
  return { kind: 'wire', node: flow.ingressHostEndpoint?.node, interfaceName: hostInterface(via, uplink) };
}

function endOf(flow: ResolvedFlow, uplink: string): End {
  const destination = flow.destinationEndpoint;
  if (destination?.kind === 'workload') return { kind: 'pod', node: destination.node, interfaceName: workloadInterface(destination) };
  if (destination?.kind === 'host') return { kind: 'host', node: destination.node };
  const via = flow.egressHostEndpoint ?? (flow.sourceEndpoint?.kind === 'host' ? flow.sourceEndpoint : undefined);
  return { kind: 'wire', node: flow.egressHostEndpoint?.node, interfaceName: hostInterface(via, uplink) };
}

/** The traversal(s) of one node, from where the packet is to where it goes there. */
function visit(flow: ResolvedFlow, node: string | undefined, from: End, to: End, uplink: string): RunInput[] {
  const input = (fields: Omit<RunInput, 'packet' | 'node'>): RunInput => ({ packet: flow.packet, ...fields, ...(node === undefined ? {} : { node }) });
  if (from.kind === 'host') {
    const leaving = to.kind === 'host' ? hostInterface(flow.egressHostEndpoint ?? flow.sourceEndpoint, uplink) : to.interfaceName;
    const output = input({ path: 'output', outInterface: leaving });
    if (to.kind !== 'host') return [output];
    return [output, input({ path: 'input', inInterface: hostInterface(flow.ingressHostEndpoint ?? flow.destinationEndpoint, uplink) })];
  }
  if (to.kind === 'host') return [input({ path: 'input', inInterface: from.interfaceName })];
  return [input({ path: 'forward', inInterface: from.interfaceName, outInterface: to.interfaceName })];
}

/** The node traversals of one flow, in order (see the decisions above). */
export function runInputsFor(flow: ResolvedFlow, options: RunFlowOptions = {}): RunInput[] {
  const uplink = options.uplinkInterface ?? DEFAULT_UPLINK;
  const start = startOf(flow, uplink);
  const end = endOf(flow, uplink);
  if (sameNode(start.node, end.node)) return visit(flow, start.node ?? end.node, start, end, uplink);
  // Two nodes: leave the first by the host endpoint named for it (or the source host's own
  // interface, or the uplink); arrive at the second likewise.
  const egress = flow.egressHostEndpoint?.node === start.node ? flow.egressHostEndpoint : undefined;
  const ingress = flow.ingressHostEndpoint?.node === end.node ? flow.ingressHostEndpoint : undefined;
  const leaving: End = { kind: 'wire', node: start.node, interfaceName: hostInterface(egress ?? (start.kind === 'host' ? flow.sourceEndpoint : undefined), uplink) };
  const arriving: End = { kind: 'wire', node: end.node, interfaceName: hostInterface(ingress ?? (end.kind === 'host' ? flow.destinationEndpoint : undefined), uplink) };
  return [...visit(flow, start.node, start, leaving, uplink), ...visit(flow, end.node, arriving, end, uplink)];
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
