import { existsSync } from 'node:fs';
import type { Agent } from './agent-client.js';
import { ip, ipBatch } from './command.js';
import { LabError } from './errors.js';
import type { SysctlEntry } from './agents/protocol.js';
import { canonicalAddress, familyOf, hostEndpointStandIns, type LabTopology, type LabWorkload } from './topology.js';

/*
 * How the lab is wired, and why (the same as a Calico node with the CNI plugin):
 *
 *   pod namespace                    node namespace                     uplink namespace
 *   eth0 10.65.0.1/32  <--veth-->  cali1234567890a (ee:ee:ee:ee:ee:ee)
 *   169.254.1.1 dev eth0 scope link  proxy_arp=1, proxy_delay=0
 *   default via 169.254.1.1          10.65.0.1/32 dev cali… scope link
 *                                    eth0 10.64.0.1/32  <------veth------>  eth0 10.64.0.254/32
 *                                    default via 10.64.0.254              10.65.0.1 via 10.64.0.1
 *                                                                         lo: external hosts
 *
 * - 169.254.1.1 is a dummy next hop that exists nowhere. The pod has a /32 and no subnet,
 *   so everything it sends goes "via" the gateway; the scope-link route makes that next
 *   hop reachable on eth0 so the default route can be added.
 * - proxy_arp=1 on the host end makes the node answer the pod's ARP for 169.254.1.1 with
 *   its own MAC (ee:ee:ee:ee:ee:ee), so every packet of the pod lands in the node and is
 *   routed at layer 3: pod to pod goes through the node's FORWARD hook, pod to node
 *   through INPUT. The kernel proxies only for targets it routes out of *another*
 *   interface, so the node needs a route covering 169.254.1.1: hence its default route.
 *   proxy_delay=0 removes the kernel's random delay before proxy replies (Calico does too).
 * - The uplink namespace gives the node that default route and holds the "external"
 *   addresses, so pod-to-world flows exist without any link to the machine's own
 *   network: the lab is closed, nothing it sends can leave it.
 * - IPv6 (as Calico's cni-plugin dataplane_linux.go): no dummy gateway; the pod's default
 *   route points at the host end's link-local address (fe80::ecee:eeff:feee:eeee, from the
 *   MAC), read back from the interface. proxy_ndp=1 and forwarding=1 are set on the host
 *   end, and duplicate address detection is disabled on both ends, since it would hold
 *   addresses "tentative" for a second on a link that has only two ends.
 * - Host endpoints are the node itself: their expected IPs are added to the node, on the
 *   uplink when the endpoint is on it (or `*`), else on a stand-in interface named like
 *   the endpoint's (a veth whose other end lies unused, down, in the uplink namespace);
 *   the uplink namespace routes them via the node.
 * - With `staticNeighbours`, IPv6 neighbours are pinned (permanent entries: the pod's
 *   gateway, the node's view of each pod, both ends of the uplink), so no neighbour
 *   discovery crosses a loaded ruleset. A kernel check then measures what the ruleset does
 *   to the probes' own packets, which is what the evaluators model. (IPv4 needs nothing:
 *   ARP never passes through nftables' inet/ip tables or iptables.)
 * - Speed: the commands are batched per namespace (`ip -batch`), in four steps — sysctls
 *   every namespace needs first, all veths from the node, each namespace's addresses and
 *   routes (side by side), then the IPv6 gateways. Every MAC is chosen at creation (host
 *   ends ee:ee:ee:ee:ee:ee as Calico; pods and the uplink locally administered 02:ca:1f:…),
 *   so pinned neighbours need no read-back; only the host ends' link-local addresses are
 *   read back, as Calico does.
 */

export const CALICO_HOST_MAC = 'ee:ee:ee:ee:ee:ee';
export const CALICO_IPV4_GATEWAY = '169.254.1.1';
const NODE_UPLINK_MAC = '02:ca:1f:ff:ff:01';
const UPLINK_PEER_MAC = '02:ca:1f:ff:ff:02';

export type AgentLookup = (namespace: string) => Agent;
type Commands = string[][];

/** Whether any endpoint of the topology has an IPv6 address (then the node gets IPv6 too). */
export function usesIpv6(topology: LabTopology): boolean {
  return [...topology.workloads, ...topology.externalHosts, ...topology.hostEndpoints].some((e) => e.ipv6 !== undefined);
}

/** A pod's MAC, locally administered and unique in the lab (the index is < 65536). */
function podMac(index: number): string {
  const hex = index.toString(16).padStart(4, '0');
  return `02:ca:1f:00:${hex.slice(0, 2)}:${hex.slice(2)}`;
}

async function writeSysctls(agent: Agent, entries: SysctlEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const response = await agent.request({ op: 'sysctl', entries });
  if (!response.ok) throw new LabError('command-failed', `in ${agent.namespace}: ${response.detail ?? 'sysctl failed'}`);
}

/** Wire a topology whose namespaces exist and whose agents run. */
export async function wireLab(topology: LabTopology, agentIn: AgentLookup): Promise<void> {
  const ipv6 = usesIpv6(topology);
  if (ipv6 && !existsSync('/proc/sys/net/ipv6')) {
    throw new LabError('ipv6-unavailable', 'the topology has IPv6 addresses but IPv6 is disabled in this kernel');
  }
  const { node, uplink, workloads } = topology;
  const namespaces = [node.namespace, uplink.namespace, ...workloads.map((w) => w.namespace)];
  await Promise.all(namespaces.map((namespace) => writeSysctls(agentIn(namespace), namespaceSysctls(topology, namespace, ipv6))));
  await ipBatch(node.namespace, linkCommands(topology, ipv6));
  await Promise.all([
    writeSysctls(agentIn(node.namespace), nodeInterfaceSysctls(topology, ipv6)),
    ...workloads.filter((w) => w.ipv6).map((w) => writeSysctls(agentIn(w.namespace), [{ path: `net/ipv6/conf/${w.podInterface}/accept_dad`, value: '0' }])),
    ipv6 ? writeSysctls(agentIn(uplink.namespace), [{ path: `net/ipv6/conf/${uplink.interfaceName}/accept_dad`, value: '0' }]) : Promise.resolve(),
  ]);
  await Promise.all([
    ipBatch(node.namespace, nodeCommands(topology, ipv6)),
    ipBatch(uplink.namespace, uplinkCommands(topology, ipv6)),
    ...workloads.map((w) => ipBatch(w.namespace, podCommands(w))),
  ]);
  if (ipv6) await wireIpv6Gateways(topology);
}

/** Sysctls set before any link exists, so new interfaces inherit them: no DAD (IPv6), forwarding on the node. */
function namespaceSysctls(topology: LabTopology, namespace: string, ipv6: boolean): SysctlEntry[] {
  const entries: SysctlEntry[] = !ipv6
    ? []
    : ['all', 'default'].flatMap((conf) => [
        { path: `net/ipv6/conf/${conf}/disable_ipv6`, value: '0' },
        { path: `net/ipv6/conf/${conf}/accept_dad`, value: '0' },
      ]);
  if (namespace !== topology.node.namespace) return entries;
  entries.push({ path: 'net/ipv4/ip_forward', value: '1' });
  if (ipv6) entries.push({ path: 'net/ipv6/conf/all/forwarding', value: '1' });
  return entries;
}

/** Every veth, created from the node with its MACs: the uplink, each pod's, host endpoint stand-ins. */
function linkCommands(topology: LabTopology, ipv6: boolean): Commands {
  const { node, uplink } = topology;
  const commands: Commands = [
    ['link', 'add', node.uplinkInterface, 'address', NODE_UPLINK_MAC, 'type', 'veth', 'peer', 'name', uplink.interfaceName, 'address', UPLINK_PEER_MAC, 'netns', uplink.namespace],
  ];
  // The host end's MAC is set at creation, before the link is up: its IPv6 link-local address derives from it.
  topology.workloads.forEach((w, index) => {
    commands.push(['link', 'add', w.interfaceName, 'address', CALICO_HOST_MAC, 'type', 'veth', 'peer', 'name', w.podInterface, 'address', podMac(index), 'netns', w.namespace]);
  });
  // A veth rather than a dummy: kernels built without the dummy driver have veth (the lab needs it anyway).
  hostEndpointStandIns(topology).forEach((name, index) => {
    commands.push(['link', 'add', name, 'type', 'veth', 'peer', 'name', `unused${index}`, 'netns', uplink.namespace]);
    if (ipv6) commands.push(['link', 'set', name, 'addrgenmode', 'none']);
  });
  return commands;
}

/** Calico's per-interface sysctls for each host end (cni-plugin configureSysctls), and no DAD on the uplink. */
function nodeInterfaceSysctls(topology: LabTopology, ipv6: boolean): SysctlEntry[] {
  const entries: SysctlEntry[] = ipv6 ? [{ path: `net/ipv6/conf/${topology.node.uplinkInterface}/accept_dad`, value: '0' }] : [];
  for (const workload of topology.workloads) {
    const iface = workload.interfaceName;
    if (workload.ipv4) {
      entries.push(
        { path: `net/ipv4/conf/${iface}/route_localnet`, value: '1' },
        { path: `net/ipv4/neigh/${iface}/proxy_delay`, value: '0' },
        { path: `net/ipv4/conf/${iface}/proxy_arp`, value: '1' },
        { path: `net/ipv4/conf/${iface}/forwarding`, value: '1' },
      );
    }
    if (workload.ipv6) {
      entries.push(
        { path: `net/ipv6/conf/${iface}/disable_ipv6`, value: '0' },
        { path: `net/ipv6/conf/${iface}/accept_dad`, value: '0' },
        { path: `net/ipv6/conf/${iface}/proxy_ndp`, value: '1' },
        { path: `net/ipv6/conf/${iface}/forwarding`, value: '1' },
        { path: `net/ipv6/conf/${iface}/accept_ra`, value: '0' },
      );
    }
  }
  return entries;
}

/** The uplink's families: [node address, gateway, prefix bits], IPv6 only when the lab uses it. */
function uplinkFamilies(topology: LabTopology, ipv6: boolean): Array<[string, string, string]> {
  const { node } = topology;
  const families: Array<[string, string, string]> = [];
  if (node.ipv4 && node.gatewayIpv4) families.push([node.ipv4, node.gatewayIpv4, '32']);
  if (ipv6 && node.ipv6 && node.gatewayIpv6) families.push([node.ipv6, node.gatewayIpv6, '128']);
  return families;
}

const nodad = (address: string) => (familyOf(address) === 6 ? ['nodad'] : []);
const hostBits = (address: string) => (familyOf(address) === 6 ? '128' : '32');

/** Host endpoint addresses the node does not already have, with the device each goes on. */
function hostEndpointAddresses(topology: LabTopology): Array<{ address: string; device: string }> {
  const { node } = topology;
  const added = new Set([node.ipv4, node.ipv6].map((a) => canonicalAddress(a ?? '')));
  const out: Array<{ address: string; device: string }> = [];
  for (const hep of topology.hostEndpoints) {
    const device = hep.interfaceName === '*' ? node.uplinkInterface : hep.interfaceName;
    for (const address of hep.expectedIPs) {
      const key = canonicalAddress(address);
      if (added.has(key)) continue;
      added.add(key);
      out.push({ address, device });
    }
  }
  return out;
}

function nodeCommands(topology: LabTopology, ipv6: boolean): Commands {
  const { node } = topology;
  const uplink = node.uplinkInterface;
  const commands: Commands = [['link', 'set', 'lo', 'up'], ['link', 'set', uplink, 'up']];
  for (const name of hostEndpointStandIns(topology)) commands.push(['link', 'set', name, 'up']);
  for (const [address, gateway, bits] of uplinkFamilies(topology, ipv6)) {
    commands.push(['addr', 'add', `${address}/${bits}`, 'dev', uplink, ...nodad(address)]);
    commands.push(['route', 'add', gateway, 'dev', uplink, 'scope', 'link'], ['route', 'add', 'default', 'via', gateway, 'dev', uplink]);
  }
  for (const { address, device } of hostEndpointAddresses(topology)) commands.push(['addr', 'add', `${address}/${hostBits(address)}`, 'dev', device, ...nodad(address)]);
  for (const w of topology.workloads) {
    commands.push(['link', 'set', w.interfaceName, 'up']);
    if (w.ipv4) commands.push(['route', 'add', `${w.ipv4}/32`, 'dev', w.interfaceName, 'scope', 'link']);
    if (w.ipv6) commands.push(['route', 'add', `${w.ipv6}/128`, 'dev', w.interfaceName]);
  }
  return commands;
}

/** The uplink: its end of the veth, the outside hosts on lo, and routes to the pods and host endpoints via the node. */
function uplinkCommands(topology: LabTopology, ipv6: boolean): Commands {
  const { node, uplink } = topology;
  const iface = uplink.interfaceName;
  const commands: Commands = [['link', 'set', 'lo', 'up'], ['link', 'set', iface, 'up']];
  for (const [address, gateway, bits] of uplinkFamilies(topology, ipv6)) {
    commands.push(['addr', 'add', `${gateway}/${bits}`, 'dev', iface, ...nodad(gateway)], ['route', 'add', address, 'dev', iface, 'scope', 'link']);
  }
  for (const host of topology.externalHosts) {
    for (const address of [host.ipv4, host.ipv6]) if (address) commands.push(['addr', 'add', `${address}/${hostBits(address)}`, 'dev', 'lo', ...nodad(address)]);
  }
  const viaNode = (address: string) => {
    const via = familyOf(address) === 6 ? node.ipv6 : node.ipv4;
    if (via !== undefined) commands.push(['route', 'add', `${address}/${hostBits(address)}`, 'via', via, 'dev', iface]);
  };
  for (const w of topology.workloads) for (const address of [w.ipv4, w.ipv6]) if (address) viaNode(address);
  for (const { address } of hostEndpointAddresses(topology)) viaNode(address);
  return commands;
}

/** A pod: its /32 (/128) on eth0, the dummy gateway and the default route via it (IPv6 comes later). */
function podCommands(workload: LabWorkload): Commands {
  const eth0 = workload.podInterface;
  const commands: Commands = [['link', 'set', 'lo', 'up'], ['link', 'set', eth0, 'up']];
  if (workload.ipv4) {
    commands.push(
      ['addr', 'add', `${workload.ipv4}/32`, 'dev', eth0],
      ['route', 'add', CALICO_IPV4_GATEWAY, 'dev', eth0, 'scope', 'link'],
      ['route', 'add', 'default', 'via', CALICO_IPV4_GATEWAY, 'dev', eth0],
    );
  }
  if (workload.ipv6) commands.push(['addr', 'add', `${workload.ipv6}/128`, 'dev', eth0, 'nodad']);
  return commands;
}

const permanent = (address: string, mac: string, iface: string): string[] => ['neigh', 'replace', address, 'lladdr', mac, 'dev', iface, 'nud', 'permanent'];

/**
 * Each IPv6 pod's default route via its host end's link-local address, read back as
 * Calico's CNI plugin does; with `staticNeighbours`, the permanent neighbour entries too.
 */
async function wireIpv6Gateways(topology: LabTopology): Promise<void> {
  const { node, uplink } = topology;
  const pods = topology.workloads.map((w, index) => ({ w, index })).filter(({ w }) => w.ipv6 !== undefined);
  const gateways = await hostLinkLocalAddresses(node.namespace, pods.map(({ w }) => w.interfaceName));
  const pin = topology.staticNeighbours;
  await Promise.all(
    pods.map(({ w }) => {
      const gateway = gateways.get(w.interfaceName) as string;
      return ipBatch(w.namespace, [['route', 'add', 'default', 'via', gateway, 'dev', w.podInterface], ...(pin ? [permanent(gateway, CALICO_HOST_MAC, w.podInterface)] : [])]);
    }),
  );
  if (!pin) return;
  const nodePins = pods.map(({ w, index }) => permanent(w.ipv6 as string, podMac(index), w.interfaceName));
  if (node.ipv6 && node.gatewayIpv6) nodePins.push(permanent(node.gatewayIpv6, UPLINK_PEER_MAC, node.uplinkInterface));
  await Promise.all([
    ipBatch(node.namespace, nodePins),
    node.ipv6 ? ipBatch(uplink.namespace, [permanent(node.ipv6, NODE_UPLINK_MAC, uplink.interfaceName)]) : Promise.resolve(),
  ]);
}

interface IpAddressJson {
  ifname?: string;
  addr_info?: Array<{ family?: string; local?: string }>;
}

/** The link-local address of each host end (it appears once the link is up), by interface name. */
async function hostLinkLocalAddresses(nodeNs: string, interfaces: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let attempt = 0; attempt < 40 && found.size < interfaces.length; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    const links = JSON.parse((await ip('-j', '-n', nodeNs, '-6', 'addr', 'show', 'scope', 'link')) || '[]') as IpAddressJson[];
    for (const link of links) {
      const local = link.addr_info?.find((a) => a.family === 'inet6' && a.local?.startsWith('fe80:'))?.local;
      if (link.ifname && local && interfaces.includes(link.ifname)) found.set(link.ifname, local);
    }
  }
  const missing = interfaces.filter((name) => !found.has(name));
  if (missing.length > 0) throw new LabError('ipv6-unavailable', `${missing.join(', ')} in ${nodeNs} got no IPv6 link-local address`);
  return found;
}
