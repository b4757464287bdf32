import { existsSync } from 'node:fs';
import type { Agent } from './agent-client.js';
import { ip, ipIn } from './command.js';
import { mapLimited } from './concurrency.js';
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
 */

export const CALICO_HOST_MAC = 'ee:ee:ee:ee:ee:ee';
export const CALICO_IPV4_GATEWAY = '169.254.1.1';
const WORKLOAD_WIRING_CONCURRENCY = 4;

export type AgentLookup = (namespace: string) => Agent;

/** Whether any endpoint of the topology has an IPv6 address (then the node gets IPv6 too). */
export function usesIpv6(topology: LabTopology): boolean {
  return [...topology.workloads, ...topology.externalHosts, ...topology.hostEndpoints].some((e) => e.ipv6 !== undefined);
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
  await prepareNamespaces(topology, agentIn, ipv6);
  await wireUplink(topology, agentIn, ipv6);
  await mapLimited(topology.workloads, WORKLOAD_WIRING_CONCURRENCY, (w) => wireWorkload(topology, w, agentIn));
  for (const host of topology.externalHosts) {
    if (host.ipv4) await ipIn(host.namespace, 'addr', 'add', `${host.ipv4}/32`, 'dev', 'lo');
    if (host.ipv6) await ipIn(host.namespace, '-6', 'addr', 'add', `${host.ipv6}/128`, 'dev', 'lo');
  }
  await wireHostEndpoints(topology, ipv6);
  if (ipv6 && topology.staticNeighbours) await pinIpv6Neighbours(topology);
}

/** Each host endpoint's addresses on the node (uplink or a stand-in of its interface name), routed from the uplink. */
async function wireHostEndpoints(topology: LabTopology, ipv6: boolean): Promise<void> {
  const { node, uplink } = topology;
  // A veth rather than a dummy: kernels built without the dummy driver have veth (the lab needs it anyway).
  for (const [index, name] of hostEndpointStandIns(topology).entries()) {
    await ipIn(node.namespace, 'link', 'add', name, 'type', 'veth', 'peer', 'name', `unused${index}`, 'netns', uplink.namespace);
    if (ipv6) await ipIn(node.namespace, 'link', 'set', name, 'addrgenmode', 'none');
    await ipIn(node.namespace, 'link', 'set', name, 'up');
  }
  const added = new Set([node.ipv4, node.ipv6].map((a) => canonicalAddress(a ?? '')));
  for (const hep of topology.hostEndpoints) {
    const device = hep.interfaceName === '*' ? node.uplinkInterface : hep.interfaceName;
    for (const address of hep.expectedIPs) {
      const key = canonicalAddress(address);
      if (added.has(key)) continue;
      added.add(key);
      const v6 = familyOf(address) === 6;
      const [bits, via] = v6 ? ['128', node.ipv6] : ['32', node.ipv4];
      await ipIn(node.namespace, v6 ? '-6' : '-4', 'addr', 'add', `${address}/${bits}`, 'dev', device, ...(v6 ? ['nodad'] : []));
      if (via !== undefined) await ipIn(uplink.namespace, v6 ? '-6' : '-4', 'route', 'add', `${address}/${bits}`, 'via', via, 'dev', uplink.interfaceName);
    }
  }
}

async function macOf(namespace: string, iface: string): Promise<string> {
  const links = JSON.parse((await ip('-j', '-n', namespace, 'link', 'show', 'dev', iface)) || '[]') as Array<{ address?: string }>;
  const mac = links[0]?.address;
  if (mac === undefined) throw new LabError('command-failed', `${iface} in ${namespace} has no MAC address`);
  return mac;
}

async function pinNeighbour(namespace: string, address: string, mac: string, iface: string): Promise<void> {
  await ipIn(namespace, '-6', 'neigh', 'replace', address, 'lladdr', mac, 'dev', iface, 'nud', 'permanent');
}

/** Permanent IPv6 neighbour entries on both ends of every veth (see the header). */
async function pinIpv6Neighbours(topology: LabTopology): Promise<void> {
  const { node, uplink } = topology;
  await mapLimited(topology.workloads.filter((w) => w.ipv6 !== undefined), WORKLOAD_WIRING_CONCURRENCY, async (workload) => {
    const gateway = await hostLinkLocalAddress(node.namespace, workload.interfaceName);
    await pinNeighbour(workload.namespace, gateway, CALICO_HOST_MAC, workload.podInterface);
    await pinNeighbour(node.namespace, workload.ipv6 as string, await macOf(workload.namespace, workload.podInterface), workload.interfaceName);
  });
  if (node.ipv6 === undefined || node.gatewayIpv6 === undefined) return;
  await pinNeighbour(node.namespace, node.gatewayIpv6, await macOf(uplink.namespace, uplink.interfaceName), node.uplinkInterface);
  await pinNeighbour(uplink.namespace, node.ipv6, await macOf(node.namespace, node.uplinkInterface), uplink.interfaceName);
}

function noDadEntries(ipv6: boolean): SysctlEntry[] {
  if (!ipv6) return [];
  return ['all', 'default'].flatMap((conf) => [
    { path: `net/ipv6/conf/${conf}/disable_ipv6`, value: '0' },
    { path: `net/ipv6/conf/${conf}/accept_dad`, value: '0' },
  ]);
}

async function prepareNamespaces(topology: LabTopology, agentIn: AgentLookup, ipv6: boolean): Promise<void> {
  const namespaces = [topology.node.namespace, topology.uplink.namespace, ...topology.workloads.map((w) => w.namespace)];
  await mapLimited(namespaces, WORKLOAD_WIRING_CONCURRENCY, async (namespace) => {
    await ipIn(namespace, 'link', 'set', 'lo', 'up');
    await writeSysctls(agentIn(namespace), noDadEntries(ipv6));
  });
  const forwarding: SysctlEntry[] = [{ path: 'net/ipv4/ip_forward', value: '1' }];
  if (ipv6) forwarding.push({ path: 'net/ipv6/conf/all/forwarding', value: '1' });
  await writeSysctls(agentIn(topology.node.namespace), forwarding);
}

/** The node–uplink veth: /32 (/128) addresses on both ends, each end routing to the other. */
async function wireUplink(topology: LabTopology, agentIn: AgentLookup, ipv6: boolean): Promise<void> {
  const { node, uplink } = topology;
  const peer = ['peer', 'name', uplink.interfaceName, 'netns', uplink.namespace];
  await ipIn(node.namespace, 'link', 'add', node.uplinkInterface, 'type', 'veth', ...peer);
  if (ipv6) {
    await writeSysctls(agentIn(node.namespace), [{ path: `net/ipv6/conf/${node.uplinkInterface}/accept_dad`, value: '0' }]);
    await writeSysctls(agentIn(uplink.namespace), [{ path: `net/ipv6/conf/${uplink.interfaceName}/accept_dad`, value: '0' }]);
  }
  await ipIn(node.namespace, 'link', 'set', node.uplinkInterface, 'up');
  await ipIn(uplink.namespace, 'link', 'set', uplink.interfaceName, 'up');
  const families: Array<['-4' | '-6', string | undefined, string | undefined, string]> = [['-4', node.ipv4, node.gatewayIpv4, '32']];
  if (ipv6) families.push(['-6', node.ipv6, node.gatewayIpv6, '128']);
  for (const [family, nodeAddress, gateway, bits] of families) {
    if (nodeAddress === undefined || gateway === undefined) continue;
    const nodad = family === '-6' ? ['nodad'] : [];
    await ipIn(node.namespace, family, 'addr', 'add', `${nodeAddress}/${bits}`, 'dev', node.uplinkInterface, ...nodad);
    await ipIn(node.namespace, family, 'route', 'add', gateway, 'dev', node.uplinkInterface, 'scope', 'link');
    await ipIn(node.namespace, family, 'route', 'add', 'default', 'via', gateway, 'dev', node.uplinkInterface);
    await ipIn(uplink.namespace, family, 'addr', 'add', `${gateway}/${bits}`, 'dev', uplink.interfaceName, ...nodad);
    await ipIn(uplink.namespace, family, 'route', 'add', nodeAddress, 'dev', uplink.interfaceName, 'scope', 'link');
  }
}

/** Calico's per-interface sysctls for the host end (cni-plugin configureSysctls). */
function hostEndSysctls(iface: string, workload: LabWorkload): SysctlEntry[] {
  const entries: SysctlEntry[] = [];
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
  return entries;
}

async function wireWorkload(topology: LabTopology, workload: LabWorkload, agentIn: AgentLookup): Promise<void> {
  const nodeNs = topology.node.namespace;
  const { interfaceName: hostEnd, podInterface: podEnd, namespace: podNs } = workload;
  await ipIn(nodeNs, 'link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', podEnd, 'netns', podNs);
  // The MAC must be set before the link comes up: the IPv6 link-local address derives from it.
  await ipIn(nodeNs, 'link', 'set', hostEnd, 'address', CALICO_HOST_MAC);
  await writeSysctls(agentIn(nodeNs), hostEndSysctls(hostEnd, workload));
  if (workload.ipv6) await writeSysctls(agentIn(podNs), [{ path: `net/ipv6/conf/${podEnd}/accept_dad`, value: '0' }]);
  await ipIn(nodeNs, 'link', 'set', hostEnd, 'up');
  await ipIn(podNs, 'link', 'set', podEnd, 'up');
  if (workload.ipv4) await wireWorkloadIpv4(topology, workload);
  if (workload.ipv6) await wireWorkloadIpv6(topology, workload);
}

async function wireWorkloadIpv4(topology: LabTopology, workload: LabWorkload): Promise<void> {
  const address = workload.ipv4 as string;
  const { namespace: podNs, podInterface: podEnd } = workload;
  await ipIn(podNs, 'addr', 'add', `${address}/32`, 'dev', podEnd);
  await ipIn(podNs, 'route', 'add', CALICO_IPV4_GATEWAY, 'dev', podEnd, 'scope', 'link');
  await ipIn(podNs, 'route', 'add', 'default', 'via', CALICO_IPV4_GATEWAY, 'dev', podEnd);
  await ipIn(topology.node.namespace, 'route', 'add', `${address}/32`, 'dev', workload.interfaceName, 'scope', 'link');
  if (topology.node.ipv4) {
    const { namespace, interfaceName } = topology.uplink;
    await ipIn(namespace, 'route', 'add', `${address}/32`, 'via', topology.node.ipv4, 'dev', interfaceName);
  }
}

async function wireWorkloadIpv6(topology: LabTopology, workload: LabWorkload): Promise<void> {
  const address = workload.ipv6 as string;
  const { namespace: podNs, podInterface: podEnd } = workload;
  await ipIn(podNs, '-6', 'addr', 'add', `${address}/128`, 'dev', podEnd, 'nodad');
  const gateway = await hostLinkLocalAddress(topology.node.namespace, workload.interfaceName);
  await ipIn(podNs, '-6', 'route', 'add', 'default', 'via', gateway, 'dev', podEnd);
  await ipIn(topology.node.namespace, '-6', 'route', 'add', `${address}/128`, 'dev', workload.interfaceName);
  if (topology.node.ipv6) {
    const { namespace, interfaceName } = topology.uplink;
    await ipIn(namespace, '-6', 'route', 'add', `${address}/128`, 'via', topology.node.ipv6, 'dev', interfaceName);
  }
}

interface IpAddressJson {
  addr_info?: Array<{ family?: string; local?: string; scope?: string }>;
}

/** The link-local address of the host end, read back as Calico does (it appears once the link is up). */
async function hostLinkLocalAddress(nodeNs: string, iface: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const output = await ip('-j', '-n', nodeNs, '-6', 'addr', 'show', 'dev', iface, 'scope', 'link');
    const links = JSON.parse(output || '[]') as IpAddressJson[];
    const local = links.flatMap((link) => link.addr_info ?? []).find((a) => a.family === 'inet6' && a.local?.startsWith('fe80:'));
    if (local?.local) return local.local;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new LabError('ipv6-unavailable', `${iface} in ${nodeNs} got no IPv6 link-local address`);
}
