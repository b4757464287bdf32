import type { ResolvedFlow } from '../eval/index.js';
import { parsePrefix, prefixContains, type Endpoint, type Inventory } from '../model/index.js';

/**
 * The part of an inventory that one flow's verdict depends on: the endpoints the flow
 * names (its ends and the host endpoints it crosses), and every endpoint with an address
 * that contains the packet's source or destination. The second group matters because
 * rules match addresses, as the dataplane does: a rule's selector matches the packet when
 * the packet's address is in the selector's IP set (or named-port set), and any endpoint
 * owning that address puts it there.
 *
 * Planning only these gives the same trace as planning the whole inventory (a seeded test
 * compares the two), and `calpol explain` then does not work out which of 10k policies
 * select each of 50k endpoints to answer a question about two of them.
 */
export function flowInventory(inventory: Inventory, flow: ResolvedFlow): Inventory {
  const named = new Set<Endpoint>();
  for (const endpoint of [flow.sourceEndpoint, flow.destinationEndpoint, flow.ingressHostEndpoint, flow.egressHostEndpoint]) {
    if (endpoint) named.add(endpoint);
  }
  const { source, destination } = flow.packet;
  const ownsPacketAddress = (endpoint: Endpoint) =>
    endpoint.addresses.some((address) => {
      const prefix = parsePrefix(address);
      return prefix !== undefined && (prefixContains(prefix, source) || prefixContains(prefix, destination));
    });
  return { endpoints: inventory.endpoints.filter((endpoint) => named.has(endpoint) || ownsPacketAddress(endpoint)) };
}
