import { randomBytes } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { LabError } from './errors.js';
import { hashText } from '../diag/index.js';

/**
 * A lab topology is plain data: what `wireLab` builds and what probes address. Every
 * name that reaches the kernel (namespace, interface) is derived here and validated,
 * so the wiring code never sees unchecked user text.
 */

/** A pod: its own namespace, joined to the node by a veth whose node end is `interfaceName`. */
export interface WorkloadSpec {
  name: string;
  /** Host-side interface name in the node namespace (≤15 chars). Default: `cali` + 11 hex of sha1(name), as Calico does. */
  interfaceName?: string;
  ipv4?: string;
  ipv6?: string;
}

/** An address that lives beyond the node, in the uplink namespace. */
export interface ExternalHostSpec {
  name: string;
  ipv4?: string;
  ipv6?: string;
}

/**
 * A Calico host endpoint on the node: its addresses belong to the node. On the uplink
 * interface (or `*`) they sit on the uplink, so outside traffic to them arrives there;
 * on any other interface the lab makes a stand-in interface of that name to hold them
 * (reachable from pods and the node, not from outside).
 */
export interface HostEndpointSpec {
  name: string;
  interfaceName: string;
  /** Default: the node's own uplink addresses. */
  expectedIPs?: string[];
}

export interface NodeSpec {
  /** Endpoint name used in probes; default `node`. */
  name?: string;
  /** The node's uplink interface (the one host endpoints sit on); default `eth0`. */
  uplinkInterface?: string;
  /** The node's own address on the uplink; defaults 10.64.0.1 and fd00:64::1. */
  ipv4?: string;
  ipv6?: string;
  /** The uplink gateway (in the uplink namespace); defaults 10.64.0.254 and fd00:64::fe. */
  gatewayIpv4?: string;
  gatewayIpv6?: string;
}

export interface LabSpec {
  node?: NodeSpec;
  workloads: WorkloadSpec[];
  hostEndpoints?: HostEndpointSpec[];
  externalHosts?: ExternalHostSpec[];
  /**
   * Pin IPv6 neighbours (permanent entries on both ends of every veth) instead of leaving
   * them to neighbour discovery, so that a loaded ruleset decides only the probes' own
   * packets (see wiring.ts). Default false.
   */
  staticNeighbours?: boolean;
  /** Unique id of this run; default `<pid>-<12 random hex>`. Must be digits, a dash, then hex. */
  runId?: string;
}

/** Addresses of an endpoint, each optional (a lab may be IPv4-only or IPv6-only). */
export interface EndpointAddresses {
  ipv4?: string;
  ipv6?: string;
}

export interface LabNode extends EndpointAddresses {
  name: string;
  namespace: string;
  uplinkInterface: string;
  gatewayIpv4?: string;
  gatewayIpv6?: string;
}

export interface LabUplink {
  namespace: string;
  /** The uplink's end of the node–uplink veth. */
  interfaceName: string;
}

export interface LabWorkload extends EndpointAddresses {
  name: string;
  namespace: string;
  /** Host side, in the node namespace. */
  interfaceName: string;
  /** Pod side, in the workload namespace. */
  podInterface: string;
}

export interface LabExternalHost extends EndpointAddresses {
  name: string;
  /** Always the uplink namespace. */
  namespace: string;
}

/** A host endpoint of the node; `ipv4`/`ipv6` are its first expected IP of each family (probes use them). */
export interface LabHostEndpoint extends EndpointAddresses {
  name: string;
  interfaceName: string;
  expectedIPs: string[];
  /** Always the node's namespace: a host endpoint is the node itself. */
  namespace: string;
}

export interface LabTopology {
  runId: string;
  /** Every namespace of the run starts with `<prefix>-`. */
  prefix: string;
  node: LabNode;
  uplink: LabUplink;
  workloads: LabWorkload[];
  hostEndpoints: LabHostEndpoint[];
  externalHosts: LabExternalHost[];
  staticNeighbours: boolean;
}

/** Namespaces of a lab look like `calpol-<pid>-<hex>-node`, `…-up`, `…-w<index>`. */
export const LAB_NAMESPACE_PATTERN = /^calpol-(\d+)-([0-9a-f]{6,32})-(node|up|w\d{1,4})$/;
const RUN_ID_PATTERN = /^\d{1,10}-[0-9a-f]{6,32}$/;
const INTERFACE_PATTERN = /^[A-Za-z0-9_-]{1,15}$/;
const ENDPOINT_NAME_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
export const MAX_WORKLOADS = 500;

/** The interface name of each pod's end of its veth, as in Calico (CNI_IFNAME). */
export const POD_INTERFACE = 'eth0';
const UPLINK_PEER_INTERFACE = 'eth0';

export function newRunId(): string {
  return `${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** Calico's host-side veth name: `cali` + the first 11 hex digits of sha1 of the workload key. */
export function calicoInterfaceName(workloadKey: string): string {
  return `cali${hashText(workloadKey, 'sha1').slice(0, 11)}`;
}

/** One spelling per address (IPv6 compressed, lower case), for comparisons; undefined if not an IP. */
export function canonicalAddress(address: string): string | undefined {
  if (isIPv4(address)) return address;
  if (isIPv6(address)) return new URL(`http://[${address}]`).hostname.slice(1, -1);
  return undefined;
}

export function familyOf(address: string): 4 | 6 | undefined {
  return isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
}

/** Build and validate a topology; a LabError('invalid-topology') lists every problem found. */
export function createTopology(spec: LabSpec): LabTopology {
  const problems: string[] = [];
  const runId = spec.runId ?? newRunId();
  if (!RUN_ID_PATTERN.test(runId)) problems.push(`run id "${runId}" must look like <digits>-<hex>`);
  const prefix = `calpol-${runId}`;
  const node = buildNode(spec.node ?? {}, prefix, problems);
  const workloads = spec.workloads.map((w, index) => buildWorkload(w, index, prefix));
  if (workloads.length > MAX_WORKLOADS) problems.push(`at most ${MAX_WORKLOADS} workloads, got ${workloads.length}`);
  const uplink: LabUplink = { namespace: `${prefix}-up`, interfaceName: UPLINK_PEER_INTERFACE };
  const externalHosts = (spec.externalHosts ?? []).map((h) => ({
    name: h.name,
    namespace: uplink.namespace,
    ...addressesOf(h),
  }));
  const hostEndpoints = (spec.hostEndpoints ?? []).map((h) => buildHostEndpoint(h, node));
  const staticNeighbours = spec.staticNeighbours ?? false;
  const topology: LabTopology = { runId, prefix, node, uplink, workloads, hostEndpoints, externalHosts, staticNeighbours };
  const owners = new Map<string, string>();
  problems.push(...checkNames(topology), ...checkAddresses(topology, owners), ...checkHostEndpoints(topology, owners));
  if (problems.length > 0) {
    throw new LabError('invalid-topology', `invalid lab topology:\n  - ${problems.join('\n  - ')}`);
  }
  return topology;
}

function addressesOf(spec: { ipv4?: string | undefined; ipv6?: string | undefined }): EndpointAddresses {
  const out: EndpointAddresses = {};
  if (spec.ipv4 !== undefined) out.ipv4 = spec.ipv4;
  if (spec.ipv6 !== undefined) out.ipv6 = spec.ipv6;
  return out;
}

function buildNode(spec: NodeSpec, prefix: string, problems: string[]): LabNode {
  const node: LabNode = {
    name: spec.name ?? 'node',
    namespace: `${prefix}-node`,
    uplinkInterface: spec.uplinkInterface ?? 'eth0',
    ipv4: spec.ipv4 ?? '10.64.0.1',
    ipv6: spec.ipv6 ?? 'fd00:64::1',
    gatewayIpv4: spec.gatewayIpv4 ?? '10.64.0.254',
    gatewayIpv6: spec.gatewayIpv6 ?? 'fd00:64::fe',
  };
  if (familyOf(node.ipv4 ?? '') !== 4 || familyOf(node.gatewayIpv4 ?? '') !== 4) {
    problems.push('the node needs IPv4 uplink and gateway addresses (proxy ARP needs a default route)');
  }
  if (familyOf(node.ipv6 ?? '') !== 6 || familyOf(node.gatewayIpv6 ?? '') !== 6) {
    problems.push('the node needs IPv6 uplink and gateway addresses');
  }
  return node;
}

function buildHostEndpoint(spec: HostEndpointSpec, node: LabNode): LabHostEndpoint {
  const expectedIPs = spec.expectedIPs ?? [node.ipv4, node.ipv6].filter((a): a is string => a !== undefined);
  const first = (family: 4 | 6) => expectedIPs.find((ip) => familyOf(ip) === family);
  return { name: spec.name, interfaceName: spec.interfaceName, expectedIPs, namespace: node.namespace, ...addressesOf({ ipv4: first(4), ipv6: first(6) }) };
}

/** Interfaces of host endpoints that are neither the uplink nor `*`: the lab makes stand-ins of these names. */
export function hostEndpointStandIns(topology: LabTopology): string[] {
  const names = topology.hostEndpoints.map((h) => h.interfaceName).filter((name) => name !== '*' && name !== topology.node.uplinkInterface);
  return [...new Set(names)];
}

function buildWorkload(spec: WorkloadSpec, index: number, prefix: string): LabWorkload {
  return {
    name: spec.name,
    namespace: `${prefix}-w${index}`,
    interfaceName: spec.interfaceName ?? calicoInterfaceName(spec.name),
    podInterface: POD_INTERFACE,
    ...addressesOf(spec),
  };
}

function checkNames(topology: LabTopology): string[] {
  const problems: string[] = [];
  const endpointNames = new Set<string>();
  const all = [topology.node, ...topology.workloads, ...topology.externalHosts, ...topology.hostEndpoints];
  for (const { name } of all) {
    if (!ENDPOINT_NAME_PATTERN.test(name)) problems.push(`endpoint name "${name}" must be 1–63 letters, digits, '.', '_' or '-'`);
    if (endpointNames.has(name)) problems.push(`endpoint name "${name}" is used twice`);
    endpointNames.add(name);
  }
  const interfaces = new Set<string>(['lo']);
  const nodeInterfaces = [topology.node.uplinkInterface, ...topology.workloads.map((w) => w.interfaceName), ...hostEndpointStandIns(topology)];
  for (const name of nodeInterfaces) {
    if (!INTERFACE_PATTERN.test(name)) problems.push(`interface name "${name}" must be 1–15 letters, digits, '_' or '-'`);
    if (interfaces.has(name)) problems.push(`interface name "${name}" is used twice in the node (or is reserved)`);
    interfaces.add(name);
  }
  return problems;
}

/** Special-purpose addresses the lab refuses: they would not behave like pod or host addresses. */
export function reservedAddressProblem(address: string): string | undefined {
  const canonical = canonicalAddress(address);
  if (canonical === undefined) return `"${address}" is not an IP address`;
  if (familyOf(canonical) === 4) {
    const first = Number(canonical.split('.')[0]);
    if (first === 0 || first === 127 || first >= 224) return `${address} is reserved (0/8, loopback or multicast)`;
    if (canonical.startsWith('169.254.')) return `${address} is link-local (169.254.1.1 is the pods' gateway)`;
    return undefined;
  }
  if (canonical === '::' || canonical === '::1') return `${address} is unspecified or loopback`;
  if (/^f[ef]/.test(canonical) || canonical.startsWith('::ffff:')) return `${address} is link-local, multicast or IPv4-mapped`;
  return undefined;
}

/** Fills `seen` (address → owner) for the host endpoint check. */
function checkAddresses(topology: LabTopology, seen: Map<string, string>): string[] {
  const problems: string[] = [];
  const { node } = topology;
  const owners: Array<[string, EndpointAddresses]> = [
    [node.name, { ipv4: node.ipv4, ipv6: node.ipv6 }],
    [`${node.name} (gateway)`, { ipv4: node.gatewayIpv4, ipv6: node.gatewayIpv6 }],
    ...topology.workloads.map((w): [string, EndpointAddresses] => [w.name, w]),
    ...topology.externalHosts.map((h): [string, EndpointAddresses] => [h.name, h]),
  ];
  for (const [owner, addresses] of owners) {
    for (const [family, address] of [[4, addresses.ipv4], [6, addresses.ipv6]] as const) {
      if (address === undefined) continue;
      const problem = reservedAddressProblem(address);
      if (problem !== undefined) problems.push(`${owner}: ${problem}`);
      else if (familyOf(address) !== family) problems.push(`${owner}: ${address} is not an IPv${family} address`);
      const key = canonicalAddress(address) ?? address;
      const previous = seen.get(key);
      if (previous !== undefined) problems.push(`${owner}: ${address} is already used by ${previous}`);
      seen.set(key, owner);
    }
  }
  return problems;
}

/**
 * Host endpoint addresses belong to the node: they may repeat the node's own addresses or
 * each other's, but not an address of another namespace (a pod, an external host).
 */
function checkHostEndpoints(topology: LabTopology, owners: Map<string, string>): string[] {
  const problems: string[] = [];
  const { node } = topology;
  const nodeOwned = new Set([node.ipv4, node.ipv6].map((a) => canonicalAddress(a ?? '')));
  for (const hep of topology.hostEndpoints) {
    for (const ip of hep.expectedIPs) {
      const problem = reservedAddressProblem(ip);
      const key = canonicalAddress(ip) ?? ip;
      const owner = owners.get(key);
      if (problem !== undefined) problems.push(`host endpoint ${hep.name}: ${problem}`);
      else if (owner !== undefined && !nodeOwned.has(key)) problems.push(`host endpoint ${hep.name}: ${ip} is already used by ${owner}`);
    }
    for (const ip of hep.expectedIPs) nodeOwned.add(canonicalAddress(ip));
  }
  return problems;
}

/** Every namespace of the topology, in creation order (node first, uplink, then workloads). */
export function namespacesOf(topology: LabTopology): string[] {
  return [topology.node.namespace, topology.uplink.namespace, ...topology.workloads.map((w) => w.namespace)];
}
