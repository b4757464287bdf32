import type { PortMatch, ProtocolMatch } from '../model/index.js';
import type { Selector } from '../selector/index.js';
import type { TierPlan } from '../tiers/index.js';
import { MemberAddresses } from './members.js';
import { shortHash } from '../diag/index.js';
import { assertSafeName, MAX_SET_NAME, NameOwners } from './names.js';
import { protocolNumber } from './protocols.js';
import { mergeCidrs } from './sets.js';
import type { AddressSet, Origin } from './types.js';

export { PROTOCOL_NUMBER, protocolNumber } from './protocols.js';

/**
 * The named sets of a program, created on first use and named from their canonical
 * content (a selector's unique id, a named port's definition) so that names never depend
 * on the order in which rules ask for them. Members come from the plan's membership
 * index: a selector's set holds the addresses of every endpoint it selects (local or
 * not) and the nets of every network set it selects — what Felix's IP sets hold.
 */
export class SetRegistry {
  private readonly sets = new Map<string, AddressSet>();
  private readonly addresses: MemberAddresses;
  /** Set names by prefix + key. */
  private readonly names = new Map<string, string>();
  private readonly owners = new NameOwners();

  constructor(private readonly plan: TierPlan) {
    this.addresses = new MemberAddresses(plan);
  }

  private add(key: string, make: () => Omit<AddressSet, 'name'>, prefix: string): string {
    // Rules ask for the same sets over and over: hash each key once.
    let name = this.names.get(prefix + key);
    if (name === undefined) {
      name = this.owners.claim(assertSafeName(prefix + shortHash(key, MAX_SET_NAME - prefix.length), MAX_SET_NAME), prefix + key);
      this.names.set(prefix + key, name);
    }
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
        return { type: version === 4 ? 'ipv4' : 'ipv6', elements: this.addresses.addressElements(members, version), origin: setOrigin(`sel:${text}`) };
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
        const elements: string[] = [];
        if (selector) {
          for (const index of this.plan.membership.members(selector).members()) {
            if (this.addresses.isEndpoint(index)) this.addresses.addEndpointNamedPorts(index, name, wanted, version, elements);
          }
        } else {
          for (const entry of this.addresses.namedPortsCalled(name)) {
            if (wanted === undefined || entry.protocol === wanted) this.addresses.addNamedPortElements(entry, version, elements);
          }
        }
        return {
          type: version === 4 ? 'ipv4-named-port' : 'ipv6-named-port',
          elements: sortedUnique(elements),
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

/** Sorted (as strings) without duplicates. */
function sortedUnique(texts: string[]): string[] {
  texts.sort();
  return texts.filter((text, i) => i === 0 || text !== texts[i - 1]);
}

function setOrigin(what: string): Origin {
  return { id: `s:set:${what}` };
}

export function portRanges(ports: readonly PortMatch[]): { min: number; max: number }[] {
  return ports.filter((p): p is Extract<PortMatch, { kind: 'range' }> => p.kind === 'range').map(({ min, max }) => ({ min, max }));
}

export function portNames(ports: readonly PortMatch[]): string[] {
  return ports.filter((p): p is Extract<PortMatch, { kind: 'named' }> => p.kind === 'named').map((p) => p.name);
}
