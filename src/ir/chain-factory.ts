import type { Span } from '../diag/index.js';
import type { Endpoint, Policy, PolicyRule, Profile } from '../model/index.js';
import type { ChainKind, Direction, FailsafePort, TierPlan } from '../tiers/index.js';
import { limitedName, NameOwners } from './names.js';
import { protocolNumber, SetRegistry } from './registry.js';
import { lowerRule } from './rules.js';
import type { Chain, Match, Origin, Rule } from './types.js';

const letterOf = (direction: Direction) => (direction === 'ingress' ? 'i' : 'e');

function spanOrigin(span: Span): Origin['span'] {
  return { file: span.file, line: span.line, column: span.column };
}

/**
 * Creates the shared chains endpoint chains jump to — one per policy and direction, one
 * per profile and direction, the failsafe chains — on first use, so a program holds only
 * what its local endpoints need. Chain names come from policy keys and profile names.
 */
export class ChainFactory {
  readonly sets: SetRegistry;
  private readonly chains = new Map<string, Chain>();
  private readonly names = new Map<string, string>();
  private readonly owners = new NameOwners();

  constructor(
    readonly plan: TierPlan,
    private readonly logPrefix: string,
  ) {
    this.sets = new SetRegistry(plan);
  }

  /** limitedName, hashed once per chain: every endpoint a policy selects asks for its chain. */
  private chainName(prefix: string, text: string): string {
    const key = `${prefix}\0${text}`;
    let name = this.names.get(key);
    if (name === undefined) this.names.set(key, (name = this.owners.claim(limitedName(prefix, text), key)));
    return name;
  }

  private ensure(name: string, build: () => Rule[]): string {
    if (!this.chains.has(name)) {
      // Registered before building so a (malformed) self-reference cannot recurse.
      const chain: Chain = { name, rules: [] };
      this.chains.set(name, chain);
      chain.rules = build();
    }
    return name;
  }

  private lowerRules(rules: readonly PolicyRule[], origin: (rule: PolicyRule) => Origin, untracked: boolean): Rule[] {
    return rules.flatMap((rule) => lowerRule(rule, { sets: this.sets, origin: origin(rule), untracked, logPrefix: this.logPrefix }));
  }

  policyChain(policy: Policy, direction: Direction): string {
    const letter = letterOf(direction);
    const name = this.chainName(direction === 'ingress' ? 'cp-pi-' : 'cp-po-', policy.key);
    return this.ensure(name, () =>
      this.lowerRules(
        direction === 'ingress' ? policy.ingress : policy.egress,
        (rule) => ({
          id: `p:${policy.key}:${letter}:${rule.index}`,
          tier: policy.tier,
          policy: policy.key,
          direction,
          ruleIndex: rule.index,
          span: spanOrigin(rule.span),
        }),
        policy.doNotTrack,
      ),
    );
  }

  profileChain(profile: Profile, direction: Direction): string {
    const letter = letterOf(direction);
    const name = this.chainName(direction === 'ingress' ? 'cp-pri-' : 'cp-pro-', profile.name);
    return this.ensure(name, () =>
      this.lowerRules(
        direction === 'ingress' ? profile.ingress : profile.egress,
        (rule) => {
          const origin: Origin = { id: `r:${profile.name}:${letter}:${rule.index}`, profile: profile.name, direction, ruleIndex: rule.index };
          if (rule.span.line > 0) origin.span = spanOrigin(rule.span);
          return origin;
        },
        false,
      ),
    );
  }

  /**
   * Failsafe chains (Felix's cali-failsafe-in/out): host endpoints' own chains accept
   * these ports before any policy. In the raw table a chain also accepts the opposite
   * list by source port (replies to failsafe connections, before conntrack has seen
   * them). A failsafe accept ends only that table's base chain: in raw and mangle the
   * packet goes on to the filter table, whose failsafe accepts it again.
   */
  failsafeChain(endpoint: Endpoint, direction: Direction, chain: ChainKind): string | undefined {
    if (endpoint.kind !== 'host' || chain === 'forward') return undefined;
    const inbound = direction === 'ingress';
    const byDestination = inbound ? this.plan.failsafe.inbound : this.plan.failsafe.outbound;
    const bySource = chain === 'untracked' ? (inbound ? this.plan.failsafe.outbound : this.plan.failsafe.inbound) : [];
    if (byDestination.length + bySource.length === 0) return undefined;
    const name = `cp-failsafe-${inbound ? 'in' : 'out'}${chain === 'untracked' ? '-raw' : ''}`;
    return this.ensure(name, () => [
      ...byDestination.flatMap((port) => failsafeRules(port, inbound, 'destination')),
      ...bySource.flatMap((port) => failsafeRules(port, inbound, 'source')),
    ]);
  }

  /** Adds a chain built elsewhere (endpoint, dispatch and hook chains). */
  add(chain: Chain): void {
    if (this.chains.has(chain.name)) throw new Error(`bug: chain ${chain.name} defined twice`);
    this.chains.set(chain.name, chain);
  }

  all(): Chain[] {
    return [...this.chains.values()];
  }
}

/** Inbound entries check the source net; outbound ones the destination net (same family only). */
function failsafeRules(port: FailsafePort, inbound: boolean, portSide: 'source' | 'destination'): Rule[] {
  const matches: Match[] = [{ kind: 'protocol', protocols: [protocolNumber(port.protocol)], negate: false }];
  matches.push({ kind: portSide === 'destination' ? 'destinationPort' : 'sourcePort', ranges: [{ min: port.port, max: port.port }], negate: false });
  const origin: Origin = { id: `s:failsafe:${inbound ? 'in' : 'out'}:${port.protocol}:${port.net ?? ''}:${port.port}:${portSide}` };
  if (port.net === undefined) return [{ matches, actions: [{ kind: 'accept' }], origin }];
  const version = port.net.includes(':') ? 6 : 4;
  // The net is on the remote side: the source of inbound traffic, the destination of outbound.
  const remoteIsSource = inbound;
  matches.unshift({ kind: 'family', version });
  matches.push({ kind: remoteIsSource ? 'sourceNet' : 'destinationNet', version, nets: [port.net], negate: false });
  return [{ matches, actions: [{ kind: 'accept' }], origin }];
}
