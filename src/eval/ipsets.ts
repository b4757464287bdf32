import type { EntityMatch, ProtocolMatch } from '../model/index.js';
import type { Selector } from '../selector/index.js';
import type { TierPlan } from '../tiers/index.js';
import { parsePrefix, PrefixSet, type Prefix } from '../model/index.js';
import { PROTOCOL_NUMBERS } from './packet.js';

export function protocolNumber(protocol: ProtocolMatch): number {
  return typeof protocol === 'number' ? protocol : (PROTOCOL_NUMBERS[protocol] as number);
}

/**
 * The IP sets Felix would program, computed lazily per selector from the plan's
 * membership index: a selector's set holds the addresses of the endpoints it selects and
 * the nets of the network sets it selects (docs/calico-semantics.md §6). Rules match addresses, not
 * endpoint identities, exactly as the dataplane does.
 */
export class IpSets {
  private readonly selectorSets = new Map<string, PrefixSet>();
  private readonly namedPortSets = new Map<string, Set<string>>();
  private readonly endpointCount: number;

  constructor(private readonly plan: TierPlan) {
    this.endpointCount = plan.inventory.endpoints.length;
  }

  /** Whether an address is in the IP set of a selector. */
  selectorContains(selector: Selector, address: Prefix): boolean {
    let set = this.selectorSets.get(selector.id);
    if (!set) {
      set = new PrefixSet();
      for (const index of this.plan.membership.members(selector).members()) {
        const nets =
          index < this.endpointCount
            ? this.plan.inventory.endpoints[index]!.addresses
            : this.plan.policySet.networkSets[index - this.endpointCount]!.nets;
        for (const net of nets) {
          const prefix = parsePrefix(net);
          if (prefix) set.add(prefix);
        }
      }
      this.selectorSets.set(selector.id, set);
    }
    return set.contains(address);
  }

  /**
   * Whether (address, protocol, port) is in the named-port set for `name`: the named
   * ports of the endpoints that the same side's positive selector selects (all endpoints
   * when there is none), for the rule's protocol (any protocol when the rule has none).
   */
  namedPortContains(
    side: Pick<EntityMatch, 'selector'>,
    name: string,
    ruleProtocol: ProtocolMatch | undefined,
    address: Prefix,
    protocol: number,
    port: number,
  ): boolean {
    const wantedProtocol = ruleProtocol === undefined ? undefined : protocolNumber(ruleProtocol);
    const key = `${side.selector?.id ?? '*'}|${name}|${wantedProtocol ?? '*'}`;
    let set = this.namedPortSets.get(key);
    if (!set) {
      set = new Set();
      const endpoints = this.plan.inventory.endpoints;
      const indices = side.selector
        ? [...this.plan.membership.members(side.selector).members()].filter((i) => i < this.endpointCount)
        : endpoints.map((_, i) => i);
      for (const index of indices) {
        const endpoint = endpoints[index]!;
        for (const named of endpoint.namedPorts) {
          if (named.name !== name) continue;
          const number = protocolNumber(named.protocol);
          if (wantedProtocol !== undefined && number !== wantedProtocol) continue;
          for (const net of endpoint.addresses) {
            const prefix = parsePrefix(net);
            if (prefix) set.add(`${prefix.version}:${prefix.value}|${number}|${named.port}`);
          }
        }
      }
      this.namedPortSets.set(key, set);
    }
    return set.has(`${address.version}:${address.value}|${protocol}|${port}`);
  }
}
