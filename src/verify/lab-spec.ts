import type { Inventory } from '../model/index.js';
import { bareAddress, externalName, type NodePlan } from './flow-plan.js';
import { canonicalAddress, familyOf, type ExternalHostSpec, type LabSpec } from './topology.js';

/**
 * The lab topology for a node plan: its pods (host ends named like the endpoints'
 * interfaces), its host endpoints (addresses on the node; the uplink is the interface the
 * plan chose), one external host per outside address the flows use, and IPv6 neighbours
 * pinned. The node's own uplink address and gateway are lab plumbing that no flow may
 * name: they are picked among a few candidates so that none is an address of the input.
 */

const NODE_ADDRESSES: Record<4 | 6, Array<[string, string]>> = {
  4: [
    ['10.64.0.1', '10.64.0.254'],
    ['100.64.0.1', '100.64.0.254'],
    ['172.31.255.1', '172.31.255.254'],
    ['192.0.2.1', '192.0.2.254'],
  ],
  6: [
    ['fd00:64::1', 'fd00:64::fe'],
    ['fd64:ca1f:0:64::1', 'fd64:ca1f:0:64::fe'],
    ['fd64:ca1f:1:64::1', 'fd64:ca1f:1:64::fe'],
  ],
};

function unusedPair(family: 4 | 6, used: ReadonlySet<string>): [string, string] {
  const free = NODE_ADDRESSES[family].find((pair) => pair.every((address) => !used.has(canonicalAddress(address) as string)));
  // Four disjoint candidates cannot all be taken by one small input; if they are, the lab's
  // address check reports the clash.
  return free ?? (NODE_ADDRESSES[family][0] as [string, string]);
}

/** Every address of the inventory and of the outside ends, canonical. */
function usedAddresses(inventory: Inventory, externals: readonly string[]): Set<string> {
  const used = new Set<string>();
  for (const endpoint of inventory.endpoints) {
    for (const address of endpoint.addresses) used.add(canonicalAddress(bareAddress(address)) ?? address);
  }
  for (const address of externals) used.add(canonicalAddress(address) ?? address);
  return used;
}

function externalHosts(externals: readonly string[]): ExternalHostSpec[] {
  const byName = new Map<string, ExternalHostSpec>();
  for (const address of externals) {
    const name = externalName(address);
    if (!byName.has(name)) byName.set(name, familyOf(address) === 6 ? { name, ipv6: address } : { name, ipv4: address });
  }
  return [...byName.values()];
}

export function labSpecFor(inventory: Inventory, plan: NodePlan, externals: readonly string[]): LabSpec {
  const used = usedAddresses(inventory, externals);
  const [ipv4, gatewayIpv4] = unusedPair(4, used);
  const [ipv6, gatewayIpv6] = unusedPair(6, used);
  return {
    node: { name: 'node', uplinkInterface: plan.uplinkInterface, ipv4, gatewayIpv4, ipv6, gatewayIpv6 },
    workloads: plan.workloads.map((w) => ({
      name: w.labName,
      interfaceName: w.endpoint.interfaceName as string,
      ...(w.ipv4 === undefined ? {} : { ipv4: w.ipv4 }),
      ...(w.ipv6 === undefined ? {} : { ipv6: w.ipv6 }),
    })),
    hostEndpoints: plan.hostEndpoints.map((h) => ({
      name: h.labName,
      interfaceName: h.endpoint.interfaceName as string,
      expectedIPs: h.endpoint.addresses.map(bareAddress),
    })),
    externalHosts: externalHosts(externals),
    staticNeighbours: true,
  };
}
