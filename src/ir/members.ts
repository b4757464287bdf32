import { parsePrefix, type Endpoint, type Prefix } from '../model/index.js';
import type { Bitset, TierPlan } from '../tiers/index.js';
import { protocolNumber } from './protocols.js';
import { formatPrefix, mergeNets, type CanonicalNet } from './sets.js';

/**
 * The addresses of the plan's members (endpoints, then network sets, numbered as the
 * membership index numbers them), parsed and formatted once per program. Hundreds of
 * sets share the same pods: without this, every set re-parsed, re-formatted and re-sorted
 * the addresses of every member it holds.
 */
export class MemberAddresses {
  private readonly endpointCount: number;
  private readonly nets: (CanonicalNet[] | undefined)[] = [];
  /** Address set elements per membership bitset, both families (a v4 and a v6 set of one selector share its bitset). */
  private readonly elementsByMembers = new WeakMap<Bitset, Record<4 | 6, string[]>>();
  private namedPortOwners: Map<string, number[]> | undefined;

  constructor(private readonly plan: TierPlan) {
    this.endpointCount = plan.inventory.endpoints.length;
  }

  /** Whether a membership index is an endpoint's (the others are network sets'). */
  isEndpoint(index: number): boolean {
    return index < this.endpointCount;
  }

  /** The member's addresses (an endpoint's) or nets (a network set's), every family, as listed. */
  netsOf(index: number): CanonicalNet[] {
    let nets = this.nets[index];
    if (nets === undefined) {
      const texts =
        index < this.endpointCount
          ? this.plan.inventory.endpoints[index]!.addresses
          : this.plan.policySet.networkSets[index - this.endpointCount]!.nets;
      nets = canonicalNets(texts);
      this.nets[index] = nets;
    }
    return nets;
  }

  /** The merged, sorted CIDRs of one family of every member in `members` (mergeCidrs of their addresses). */
  addressElements(members: Bitset, version: 4 | 6): string[] {
    let elements = this.elementsByMembers.get(members);
    if (elements === undefined) {
      const nets: CanonicalNet[] = [];
      for (const index of members.members()) for (const net of this.netsOf(index)) nets.push(net);
      elements = { 4: mergeNets(nets, 4), 6: mergeNets(nets, 6) };
      this.elementsByMembers.set(members, elements);
    }
    return elements[version];
  }

  /** The endpoints that have a named port called `name`, in index order (indexed by name on first use). */
  endpointsWithNamedPort(name: string): readonly number[] {
    if (this.namedPortOwners === undefined) this.namedPortOwners = indexNamedPortOwners(this.plan.inventory.endpoints);
    return this.namedPortOwners.get(name) ?? [];
  }

  /**
   * Appends to `out` the named-port elements (`<address>,<protocol number>,<port>`) of one
   * endpoint: each of its ports called `name` (of protocol `wanted`, when given) at each of
   * its addresses of one family.
   */
  addNamedPortElements(index: number, name: string, wanted: number | undefined, version: 4 | 6, out: string[]): void {
    const endpoint = this.plan.inventory.endpoints[index]!;
    for (const named of endpoint.namedPorts) {
      if (named.name !== name) continue;
      const protocol = protocolNumber(named.protocol);
      if (wanted !== undefined && protocol !== wanted) continue;
      for (const net of this.netsOf(index)) {
        if (net.prefix.version === version) out.push(`${net.text.slice(0, net.text.lastIndexOf('/'))},${protocol},${named.port}`);
      }
    }
  }
}

function indexNamedPortOwners(endpoints: readonly Endpoint[]): Map<string, number[]> {
  const owners = new Map<string, number[]>();
  endpoints.forEach((endpoint, index) => {
    for (const named of endpoint.namedPorts) {
      let indices = owners.get(named.name);
      if (!indices) owners.set(named.name, (indices = []));
      // An endpoint with several ports of one name (tcp and udp) is listed once.
      if (indices[indices.length - 1] !== index) indices.push(index);
    }
  });
  return owners;
}

function canonicalNets(texts: readonly string[]): CanonicalNet[] {
  const nets: CanonicalNet[] = [];
  for (const text of texts) {
    const prefix: Prefix | undefined = parsePrefix(text);
    if (prefix) nets.push({ prefix, text: formatPrefix(prefix) });
  }
  return nets;
}
