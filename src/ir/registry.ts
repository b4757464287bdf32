import type { Endpoint } from '../model/index.js';
import { parsePrefix, type PortMatch, type ProtocolMatch } from '../model/index.js';
import type { Selector } from '../selector/index.js';
import type { Bitset, TierPlan } from '../tiers/index.js';
import { assertSafeName, MAX_SET_NAME, shortHash } from './names.js';
import { formatPrefix, mergeCidrs } from './sets.js';
import type { AddressSet, Origin } from './types.js';

export const PROTOCOL_NUMBER: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58, sctp: 132, udplite: 136 };

export function protocolNumber(protocol: ProtocolMatch): number {
  return typeof protocol === 'number' ? protocol : (PROTOCOL_NUMBER[protocol] as number);
}

/**
 * The named sets of a program, created on first use and named from their canonical
 * content (a selector's unique id, a named port's definition) so that names never depend
 * on the order in which rules ask for them. Members come from the plan's membership
 * index: a selector's set holds the addresses of every endpoint it selects (local or
 * not) and the nets of every network set it selects — what Felix's IP sets hold.
 */
export class SetRegistry {
  private readonly sets = new Map<string, AddressSet>();
  private readonly endpointCount: number;

  constructor(private readonly plan: TierPlan) {
    this.endpointCount = plan.inventory.endpoints.length;
  }

  private membersOf(bitset: Bitset, version: 4 | 6): string[] {
    const nets: string[] = [];
    for (const index of bitset.members()) {
      nets.push(
        ...(index < this.endpointCount
          ? this.plan.inventory.endpoints[index]!.addresses
          : this.plan.policySet.networkSets[index - this.endpointCount]!.nets),
      );
    }
    return mergeCidrs(nets, version);
  }

  private add(key: string, make: () => Omit<AddressSet, 'name'>, prefix: string): string {
    const name = assertSafeName(prefix + shortHash(key, MAX_SET_NAME - prefix.length), MAX_SET_NAME);
    if (!this.sets.has(name)) this.sets.set(name, { name, ...make() });
    return name;
  }

  /** The set of addresses a selector selects (`negatedBy`: minus what another selects, Felix's folding). */
  selectorSet(selector: Selector, version: 4 | 6, negatedBy?: Selector): string {
    const key = negatedBy ? `${selector.id}&!${negatedBy.id}` : selector.id;
    const text = negatedBy ? `(${selector.canonical}) && !(${negatedBy.canonical})` : selector.canonical;
    return this.add(
      `${version}|${key}`,
      () => {
        let members = this.plan.membership.members(selector);
        if (negatedBy) members = members.andNot(this.plan.membership.members(negatedBy));
        return { type: version === 4 ? 'ipv4' : 'ipv6', elements: this.membersOf(members, version), origin: setOrigin(`sel:${text}`) };
      },
      `cp${version}s-`,
    );
  }

  /**
   * The (address, protocol, port) triples of a named port: for every endpoint the side's
   * positive selector selects (every endpoint when there is none), each of its named
   * ports with that name and, when the rule has one, that protocol.
   */
  namedPortSet(name: string, protocol: ProtocolMatch | undefined, selector: Selector | undefined, version: 4 | 6): string {
    const wanted = protocol === undefined ? undefined : protocolNumber(protocol);
    const key = `${version}|${name}|${wanted ?? '*'}|${selector?.id ?? '*'}`;
    return this.add(
      key,
      () => {
        const endpoints = this.plan.inventory.endpoints;
        const indices = selector
          ? [...this.plan.membership.members(selector).members()].filter((i) => i < this.endpointCount)
          : endpoints.map((_, i) => i);
        const elements = new Set<string>();
        for (const index of indices) addNamedPortElements(endpoints[index]!, name, wanted, version, elements);
        return {
          type: version === 4 ? 'ipv4-named-port' : 'ipv6-named-port',
          elements: [...elements].sort(),
          origin: setOrigin(`port:${name}/${wanted ?? 'any'}/${selector?.canonical ?? 'all'}`),
        };
      },
      `cp${version}n-`,
    );
  }

  /** A set of literal CIDRs (IP pools for NAT). */
  cidrSet(label: string, cidrs: readonly string[], version: 4 | 6): string {
    return this.add(
      `${version}|cidrs|${label}`,
      () => ({ type: version === 4 ? 'ipv4' : 'ipv6', elements: mergeCidrs(cidrs, version), origin: setOrigin(`cidrs:${label}`) }),
      `cp${version}c-`,
    );
  }

  /** Whether a set has no elements (a positive match on it can never hold). */
  isEmpty(name: string): boolean {
    const set = this.sets.get(name);
    if (!set) throw new Error(`bug: unknown set ${name}`);
    return set.elements.length === 0;
  }

  all(): AddressSet[] {
    return [...this.sets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

function setOrigin(what: string): Origin {
  return { id: `s:set:${what}` };
}

function addNamedPortElements(endpoint: Endpoint, name: string, protocol: number | undefined, version: 4 | 6, out: Set<string>): void {
  for (const named of endpoint.namedPorts) {
    if (named.name !== name) continue;
    const number = protocolNumber(named.protocol);
    if (protocol !== undefined && number !== protocol) continue;
    for (const address of endpoint.addresses) {
      const prefix = parsePrefix(address);
      if (!prefix || prefix.version !== version) continue;
      out.add(`${formatPrefix(prefix).replace(/\/\d+$/, '')},${number},${named.port}`);
    }
  }
}

export function portRanges(ports: readonly PortMatch[]): { min: number; max: number }[] {
  return ports.filter((p): p is Extract<PortMatch, { kind: 'range' }> => p.kind === 'range').map(({ min, max }) => ({ min, max }));
}

export function portNames(ports: readonly PortMatch[]): string[] {
  return ports.filter((p): p is Extract<PortMatch, { kind: 'named' }> => p.kind === 'named').map((p) => p.name);
}
