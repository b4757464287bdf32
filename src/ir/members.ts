import { parsePrefix, type Endpoint, type Prefix } from '../model/index.js';
import type { Bitset, TierPlan } from '../tiers/index.js';
import { protocolNumber } from './protocols.js';
import { formatPrefix, mergeNets, type CanonicalNet as Net } from './sets.js';

/** A member's net, with its address alone (the text without the prefix length, as named-port elements hold it). */
export interface CanonicalNet extends Net {
  address: string;
}

/** One named port of one endpoint (by index in the inventory). */
export interface NamedPortEntry {
  endpoint: number;
  protocol: number;
  port: number;
}

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
  private namedPortsByName: Map<string, NamedPortEntry[]> | undefined;

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
    // A copy: sets never share their element arrays.
    return elements[version].slice();
  }

  /** Every endpoint's named ports called `name`, in endpoint order (all names indexed in one pass, on first use). */
  namedPortsCalled(name: string): readonly NamedPortEntry[] {
    if (this.namedPortsByName === undefined) this.namedPortsByName = indexNamedPorts(this.plan.inventory.endpoints);
    return this.namedPortsByName.get(name) ?? [];
  }

  /** Appends to `out` the elements of one endpoint's named ports called `name` (of protocol `wanted`, when given). */
  addEndpointNamedPorts(index: number, name: string, wanted: number | undefined, version: 4 | 6, out: string[]): void {
    for (const named of this.plan.inventory.endpoints[index]!.namedPorts) {
      const protocol = protocolNumber(named.protocol);
      if (named.name === name && (wanted === undefined || protocol === wanted)) this.addNamedPortElements({ endpoint: index, protocol, port: named.port }, version, out);
    }
  }

  /** Appends to `out` the elements (`<address>,<protocol number>,<port>`) of one named port, at each of its endpoint's addresses of one family. */
  addNamedPortElements(entry: NamedPortEntry, version: 4 | 6, out: string[]): void {
    for (const net of this.netsOf(entry.endpoint)) {
      if (net.prefix.version === version) out.push(`${net.address},${entry.protocol},${entry.port}`);
    }
  }
}

function indexNamedPorts(endpoints: readonly Endpoint[]): Map<string, NamedPortEntry[]> {
  const byName = new Map<string, NamedPortEntry[]>();
  endpoints.forEach((endpoint, index) => {
    for (const named of endpoint.namedPorts) {
      let entries = byName.get(named.name);
      if (!entries) byName.set(named.name, (entries = []));
      entries.push({ endpoint: index, protocol: protocolNumber(named.protocol), port: named.port });
    }
  });
  return byName;
}

function canonicalNets(texts: readonly string[]): CanonicalNet[] {
  const nets: CanonicalNet[] = [];
  for (const text of texts) {
    const net = ipv4Net(text) ?? parsedNet(text);
    if (net) nets.push(net);
  }
  return nets;
}

function parsedNet(text: string): CanonicalNet | undefined {
  const prefix: Prefix | undefined = parsePrefix(text);
  if (!prefix) return undefined;
  const canonical = formatPrefix(prefix);
  return { prefix, text: canonical, address: canonical.slice(0, canonical.lastIndexOf('/')) };
}

/**
 * `a.b.c.d` or `a.b.c.d/n` read by hand (50k pod addresses per program): the same Prefix
 * and text as parsePrefix and formatPrefix. Anything else, valid or not, is left to them.
 */
export function ipv4Net(text: string): CanonicalNet | undefined {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57 && digits < 3) {
      part = part * 10 + (code - 48);
      digits++;
    } else if (code === 46 && digits > 0 && part <= 255 && dots < 3) {
      value = value * 256 + part;
      [part, digits] = [0, 0];
      dots++;
    } else break;
  }
  if (dots !== 3 || digits === 0 || part > 255) return undefined;
  value = value * 256 + part;
  let length = 32;
  if (i < text.length) {
    const rest = text.slice(i + 1);
    if (text.charCodeAt(i) !== 47 || !/^[0-9]{1,3}$/.test(rest) || Number(rest) > 32) return undefined;
    length = Number(rest);
  }
  // Host bits cleared; the shift by 32 is written as a multiplication (>>> takes it mod 32).
  const masked = length === 0 ? 0 : ((value >>> (32 - length)) * 2 ** (32 - length)) >>> 0;
  const address = `${masked >>> 24}.${(masked >>> 16) & 255}.${(masked >>> 8) & 255}.${masked & 255}`;
  return { prefix: { version: 4, value: BigInt(masked), length }, text: `${address}/${length}`, address };
}
