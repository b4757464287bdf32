import { PROTOCOL_NAMES, runInputsFor, type ResolvedFlow } from '../eval/index.js';
import type { Endpoint, Inventory } from '../model/index.js';
import type { ProbeRequest } from './probe.js';
import { canonicalAddress, familyOf, reservedAddressProblem } from './topology.js';

/**
 * Which flows the kernel lab can check, and how. The lab is ONE node (`node`): its local
 * workloads and host endpoints, plus outside addresses in the uplink namespace. A flow is
 * checked only when its whole path is one traversal of that node, as the in-process
 * evaluator sees it (`runInputsFor` in src/eval/run-flow.ts decides), and only through
 * interfaces the lab has; everything else is skipped with a reason, never counted as
 * agreement.
 *
 * The node's uplink is the interface of its first host endpoint (by interface name), or
 * `eth0`. When the uplink is a host endpoint's interface, all outside traffic physically
 * crosses that endpoint, so a flow with an outside end that names no host endpoint is
 * completed with it (`ingressHostEndpoint` / `egressHostEndpoint`), as `--ingress-hep` /
 * `--egress-hep` would. The reference, the emitted-ruleset run and the kernel then all see
 * the same path.
 */

export type SkipReason = 'protocol' | 'icmp-type' | 'port' | 'self' | 'other-node' | 'host-to-host' | 'outside-only' | 'interface' | 'address';

/** What each skip reason means, for summaries. */
export const SKIP_REASONS: Record<SkipReason, string> = {
  protocol: 'protocol other than TCP, UDP, ICMP and ICMPv6 (the lab probes those only)',
  'icmp-type': 'ICMP other than an echo request (the lab sends echo requests only)',
  port: 'port 0 (no socket can use it)',
  self: 'an endpoint to itself (loopback inside it: the packet never reaches the node)',
  'other-node': 'path crosses another node (the lab is one node)',
  'host-to-host': 'host endpoint to host endpoint (the node talks to itself over lo, which the model does not cover)',
  'outside-only': 'both ends outside the node (the traffic never crosses it)',
  interface: "path uses a host endpoint interface that is not the lab node's uplink",
  address: 'an address the lab cannot give that end (a second address of an endpoint, or a reserved one)',
};

/** A local endpoint as the lab builds it. */
export interface LabEndpointPlan {
  endpoint: Endpoint;
  /** Its name in the lab (`pod-<i>`, `hep-<i>`). */
  labName: string;
  ipv4?: string;
  ipv6?: string;
}

export interface NodePlan {
  /** The lab's node; undefined when no endpoint names a node (then all are local). */
  node: string | undefined;
  uplinkInterface: string;
  /** The host endpoint on the uplink, if any: outside traffic crosses it. */
  uplinkHostEndpoint?: Endpoint;
  workloads: LabEndpointPlan[];
  hostEndpoints: LabEndpointPlan[];
}

export type FlowPlan =
  | { kind: 'probe'; flow: ResolvedFlow; probe: ProbeRequest; externals: string[] }
  | { kind: 'skip'; flow: ResolvedFlow; reason: SkipReason; detail: string };

const DEFAULT_UPLINK = 'eth0';

const isLocal = (endpoint: Endpoint, node: string | undefined) => node === undefined || endpoint.node === undefined || endpoint.node === node;

/** An endpoint address without its /32 or /128. */
export const bareAddress = (address: string) => address.replace(/\/\d+$/, '');

function firstOfFamily(endpoint: Endpoint, family: 4 | 6): string | undefined {
  return endpoint.addresses.map(bareAddress).find((address) => familyOf(address) === family);
}

function labEndpoint(endpoint: Endpoint, labName: string): LabEndpointPlan {
  const plan: LabEndpointPlan = { endpoint, labName };
  const ipv4 = firstOfFamily(endpoint, 4);
  const ipv6 = firstOfFamily(endpoint, 6);
  if (ipv4 !== undefined) plan.ipv4 = ipv4;
  if (ipv6 !== undefined) plan.ipv6 = ipv6;
  return plan;
}

/** Endpoints per node (undefined: endpoints without one), for choosing the lab's node. */
export function endpointCountsByNode(inventory: Inventory): Map<string, number> {
  const counts = new Map<string, number>();
  for (const endpoint of inventory.endpoints) {
    if (endpoint.node !== undefined) counts.set(endpoint.node, (counts.get(endpoint.node) ?? 0) + 1);
  }
  return counts;
}

/** The node with the most endpoints (ties: by name); undefined when no endpoint names a node. */
export function busiestNode(inventory: Inventory): string | undefined {
  const ranked = [...endpointCountsByNode(inventory)].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return ranked[0]?.[0];
}

/** The lab for one node: its workloads and host endpoints (with interfaces and addresses) and its uplink. */
export function planNode(inventory: Inventory, node: string | undefined): NodePlan {
  const local = inventory.endpoints.filter((e) => isLocal(e, node) && e.interfaceName !== undefined && e.addresses.length > 0);
  const workloads = local.filter((e) => e.kind === 'workload').map((e, i) => labEndpoint(e, `pod-${i}`));
  const hostEndpoints = local.filter((e) => e.kind === 'host').map((e, i) => labEndpoint(e, `hep-${i}`));
  const onInterfaces = hostEndpoints.map((h) => h.endpoint).filter((e) => e.interfaceName !== '*');
  onInterfaces.sort((a, b) => ((a.interfaceName as string) < (b.interfaceName as string) ? -1 : 1));
  const uplinkHostEndpoint = onInterfaces[0];
  const plan: NodePlan = { node, uplinkInterface: uplinkHostEndpoint?.interfaceName ?? DEFAULT_UPLINK, workloads, hostEndpoints };
  if (uplinkHostEndpoint) plan.uplinkHostEndpoint = uplinkHostEndpoint;
  return plan;
}

/** The flow as it physically runs in the lab: outside ends cross the uplink's host endpoint. */
export function completeFlow(flow: ResolvedFlow, plan: NodePlan): ResolvedFlow {
  const hep = plan.uplinkHostEndpoint;
  if (!hep) return flow;
  const completed = { ...flow };
  if (!flow.sourceEndpoint && !flow.ingressHostEndpoint) completed.ingressHostEndpoint = hep;
  if (!flow.destinationEndpoint && !flow.egressHostEndpoint) completed.egressHostEndpoint = hep;
  return completed;
}

type ProbeProtocolOf = { protocol: ProbeRequest['protocol'] } | { skip: SkipReason; detail: string };

function probeProtocolOf(flow: ResolvedFlow): ProbeProtocolOf {
  const { packet } = flow;
  const name = PROTOCOL_NAMES[packet.protocol] ?? `protocol ${packet.protocol}`;
  if (packet.protocol === 6 || packet.protocol === 17) {
    if (!packet.sourcePort || !packet.destinationPort) return { skip: 'port', detail: `${name} with port 0` };
    return { protocol: packet.protocol === 6 ? 'tcp' : 'udp' };
  }
  if (packet.protocol === 1 || packet.protocol === 58) {
    const echo = packet.protocol === 1 ? 8 : 128;
    if (packet.icmpType !== echo || packet.icmpCode !== 0) return { skip: 'icmp-type', detail: `${name} type ${packet.icmpType} code ${packet.icmpCode}` };
    return { protocol: 'icmp' };
  }
  return { skip: 'protocol', detail: name };
}

/**
 * The lab name of a flow end and whether the address is one the lab gives it: a pod has
 * its first address of each family; the node owns every expected IP of a host endpoint,
 * but sends from the first of each family.
 */
function labEnd(endpoint: Endpoint | undefined, address: string, plan: NodePlan, role: 'source' | 'destination'): { name?: string; ok: boolean } {
  if (!endpoint) return { ok: true };
  const family = familyOf(address);
  const found = [...plan.workloads, ...plan.hostEndpoints].find((e) => e.endpoint === endpoint);
  if (!found || family === undefined) return { ok: false };
  const same = (a: string | undefined) => a !== undefined && canonicalAddress(a) === canonicalAddress(address);
  if (endpoint.kind === 'host' && role === 'destination') return { name: found.labName, ok: endpoint.addresses.some((a) => same(bareAddress(a))) };
  return { name: found.labName, ok: same(family === 4 ? found.ipv4 : found.ipv6) };
}

/** Why the single traversal cannot run in the lab, if it cannot. */
function pathProblem(flow: ResolvedFlow, plan: NodePlan): { reason: SkipReason; detail: string } | undefined {
  if (!flow.sourceEndpoint && !flow.destinationEndpoint) return { reason: 'outside-only', detail: `${flow.packet.sourceAddress} -> ${flow.packet.destinationAddress}` };
  if (flow.sourceEndpoint === flow.destinationEndpoint) return { reason: 'self', detail: flow.packet.sourceAddress };
  let traversals: ReturnType<typeof runInputsFor>;
  try {
    traversals = runInputsFor(flow, { uplinkInterface: plan.uplinkInterface });
  } catch (error) {
    return { reason: 'interface', detail: error instanceof Error ? error.message : String(error) };
  }
  const elsewhere = traversals.find((t) => t.node !== undefined && t.node !== plan.node);
  if (elsewhere) return { reason: 'other-node', detail: `crosses ${elsewhere.node}; the lab is ${plan.node ?? 'one node'}` };
  if (traversals.length !== 1) return { reason: 'host-to-host', detail: `${traversals.length} traversals` };
  const known = new Set([plan.uplinkInterface, ...plan.workloads.map((w) => w.endpoint.interfaceName)]);
  const [only] = traversals;
  for (const iface of [only?.inInterface, only?.outInterface]) {
    if (iface !== undefined && !known.has(iface)) return { reason: 'interface', detail: `${iface} (the lab's uplink is ${plan.uplinkInterface})` };
  }
  return undefined;
}

/** Decides whether (and how) the lab probes one flow; the flow returned is the completed one. */
export function planFlow(resolved: ResolvedFlow, plan: NodePlan): FlowPlan {
  const flow = completeFlow(resolved, plan);
  const skip = (reason: SkipReason, detail: string): FlowPlan => ({ kind: 'skip', flow, reason, detail });
  const protocol = probeProtocolOf(flow);
  if ('skip' in protocol) return skip(protocol.skip, protocol.detail);
  const problem = pathProblem(flow, plan);
  if (problem) return skip(problem.reason, problem.detail);
  const { packet } = flow;
  const source = labEnd(flow.sourceEndpoint, packet.sourceAddress, plan, 'source');
  const destination = labEnd(flow.destinationEndpoint, packet.destinationAddress, plan, 'destination');
  if (!source.ok) return skip('address', `${packet.sourceAddress} as the source`);
  if (!destination.ok) return skip('address', `${packet.destinationAddress} as the destination`);
  const externals = [flow.sourceEndpoint ? undefined : packet.sourceAddress, flow.destinationEndpoint ? undefined : packet.destinationAddress];
  const reserved = externals.find((address) => address !== undefined && reservedAddressProblem(address) !== undefined);
  if (reserved !== undefined) return skip('address', reservedAddressProblem(reserved) as string);
  const probe: ProbeRequest = { from: source.name ?? externalName(packet.sourceAddress), to: packet.destinationAddress, protocol: protocol.protocol };
  if (protocol.protocol !== 'icmp') {
    probe.port = packet.destinationPort as number;
    probe.sourcePort = packet.sourcePort as number;
  }
  return { kind: 'probe', flow, probe, externals: externals.filter((a): a is string => a !== undefined) };
}

/** The lab name of an outside address (one external host per address). */
export function externalName(address: string): string {
  const name = `ext-${(canonicalAddress(address) ?? address).replace(/[^0-9a-f]/g, '-')}`;
  return name.endsWith('-') ? `${name}0` : name;
}

function endName(endpoint: Endpoint | undefined, address: string): string {
  if (!endpoint) return address;
  const name = endpoint.kind === 'host' ? `hep:${endpoint.name}` : `${endpoint.namespace ? `${endpoint.namespace}/` : ''}${endpoint.name}`;
  return `${name} (${address})`;
}

/** `default/a (10.0.0.1) -> 198.51.100.1 tcp/80`, with the source port when not 40000 and host endpoints crossed. */
export function flowLabel(flow: ResolvedFlow): string {
  const { packet } = flow;
  const protocol = PROTOCOL_NAMES[packet.protocol] ?? String(packet.protocol);
  const port = packet.destinationPort !== undefined ? `/${packet.destinationPort}` : '';
  const sport = packet.sourcePort !== undefined && packet.sourcePort !== 40000 ? ` from port ${packet.sourcePort}` : '';
  const icmp = packet.icmpType !== undefined && packet.icmpType !== (packet.protocol === 1 ? 8 : 128) ? ` type ${packet.icmpType} code ${packet.icmpCode}` : '';
  const inBy = flow.ingressHostEndpoint && !flow.sourceEndpoint && flow.ingressHostEndpoint !== flow.destinationEndpoint ? ` in by hep:${flow.ingressHostEndpoint.name}` : '';
  const outBy = flow.egressHostEndpoint && !flow.destinationEndpoint && flow.egressHostEndpoint !== flow.sourceEndpoint ? ` out by hep:${flow.egressHostEndpoint.name}` : '';
  return `${endName(flow.sourceEndpoint, packet.sourceAddress)} -> ${endName(flow.destinationEndpoint, packet.destinationAddress)} ${protocol}${port}${sport}${icmp}${inBy}${outBy}`;
}
