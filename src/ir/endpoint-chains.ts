import type { Endpoint, Policy, Profile } from '../model/index.js';
import type { ChainKind, Direction, EndpointPlan } from '../tiers/index.js';
import type { ChainFactory } from './chain-factory.js';
import { shortHash } from '../diag/index.js';
import { assertSafeName, MAX_CHAIN_NAME } from './names.js';
import { MARK_ACCEPT, MARK_PASS, type Match, type Rule } from './types.js';

const passClear: Match = { kind: 'mark', mask: MARK_PASS, value: 0, negate: false };
const acceptSet: Match = { kind: 'mark', mask: MARK_ACCEPT, value: MARK_ACCEPT, negate: false };
const directionLetter = (direction: Direction) => (direction === 'ingress' ? 'i' : 'e');

/** Short chain-name prefixes per endpoint chain (Felix: cali-tw-/cali-fw-/cali-th-/cali-fh-...). */
export function endpointChainPrefix(endpoint: Endpoint, direction: Direction, chain: ChainKind): string {
  const into = direction === 'ingress';
  if (endpoint.kind === 'workload') return into ? 'cp-tw-' : 'cp-fw-';
  switch (chain) {
    case 'normal':
      return into ? 'cp-fh-' : 'cp-th-';
    case 'forward':
      return into ? 'cp-hfi-' : 'cp-hfo-';
    case 'preDNAT':
      return 'cp-hpd-';
    case 'untracked':
      return into ? 'cp-hri-' : 'cp-hro-';
  }
}

/**
 * One endpoint chain, laid out as Felix's endpointIptablesChain (felix/rules/endpoints.go):
 *
 *   [failsafe]                      host endpoints' own chains: failsafe ports first
 *   clear accept and pass marks
 *   for each tier that applies (with an enforced policy):
 *     clear pass
 *     for each enforced policy:  if pass clear: jump policy chain
 *                                if accept set: return          (allowed)
 *     if the tier ends in Deny:  if pass clear: drop            (end of tier)
 *   normal chains:   for each profile: jump profile chain; if accept set: return
 *                    drop                                        (no profile allowed it)
 *
 * A policy chain only ever sets one bit and returns, so "accept set" right after a jump
 * means that policy allowed; "pass set" makes the rest of the tier's jumps and its drop
 * no-ops. Untracked, pre-DNAT and forward chains fall off the end (return) when every
 * tier passed: the packet goes on to the next stage (docs/calico-semantics.md §3.5).
 *
 * No rule names the endpoint (Felix's end-of-tier and no-profile drops do not either).
 * Returns the ids of the chain's rules in `shared`.
 */
function endpointChainRuleIds(plan: EndpointPlan, factory: ChainFactory, shared: SharedRules): number[] {
  const { endpoint, direction, chain } = plan;
  const letter = directionLetter(direction);
  const ids: number[] = [];
  const failsafe = factory.failsafeChain(endpoint, direction, chain);
  if (failsafe) ids.push(shared.id(`failsafe|${failsafe}|${letter}`, () => ({ matches: [], actions: [{ kind: 'jump', target: failsafe }], origin: { id: `s:failsafe:${letter}` } })));
  ids.push(shared.id('clear-marks', () => ({ matches: [], actions: [{ kind: 'setMark', mask: MARK_ACCEPT | MARK_PASS, value: 0 }], origin: { id: 's:clear-marks' } })));
  for (const applied of plan.tiers) {
    const enforced = applied.policies.filter((policy) => !policy.staged);
    if (enforced.length === 0) continue;
    const tier = applied.tier.name;
    ids.push(shared.id(`tier|${tier}`, () => ({ matches: [], actions: [{ kind: 'setMark', mask: MARK_PASS, value: 0 }], origin: { id: `s:tier:${tier}` } })));
    for (const policy of enforced) ids.push(...shared.policyIds(policy, direction, factory));
    if (applied.endOfTierDrop) {
      ids.push(shared.id(`end-of-tier|${tier}|${letter}`, () => ({ matches: [passClear], actions: [{ kind: 'drop' }], origin: { id: `t:${tier}:${letter}`, tier, direction } })));
    }
  }
  if (chain === 'normal') {
    for (const step of plan.profiles) {
      if (!step.profile || !hasRules(step.profile, direction)) continue;
      const target = factory.profileChain(step.profile, direction);
      const name = step.name;
      ids.push(shared.id(`profile|${target}|${name}|${letter}`, () => ({ matches: [], actions: [{ kind: 'jump', target }], origin: { id: `r:${name}:${letter}`, profile: name, direction } })));
      ids.push(shared.id(`profile-allowed|${name}`, () => ({ matches: [acceptSet], actions: [{ kind: 'return' }], origin: { id: `s:allowed:profile:${name}` } })));
    }
    ids.push(shared.id(`no-profile|${letter}`, () => ({ matches: [], actions: [{ kind: 'drop' }], origin: { id: `s:no-profile:${letter}` } })));
  }
  return ids;
}

/*
 * The rules of endpoint chains (mark resets, jumps to policy and profile chains,
 * "allowed?" returns, drops) are the same objects in every endpoint chain that has them.
 * Each is known by a key describing it and by a number, its position here (which depends
 * on the order endpoints come in, so it names nothing in the output). They are frozen, so
 * nothing can change one chain's copy under another's.
 */
class SharedRules {
  readonly rules: Rule[] = [];
  readonly keys: string[] = [];
  private readonly ids = new Map<string, number>();
  /** A policy's [jump, allowed] ids, ingress then egress: asked for once per endpoint it selects. */
  private readonly byPolicy = new Map<Policy, number[]>();

  id(key: string, build: () => Rule): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.rules.length;
      this.rules.push(deepFreeze(build()));
      this.keys.push(key);
      this.ids.set(key, id);
    }
    return id;
  }

  policyIds(policy: Policy, direction: Direction, factory: ChainFactory): number[] {
    let known = this.byPolicy.get(policy);
    if (!known) this.byPolicy.set(policy, (known = []));
    const at = direction === 'ingress' ? 0 : 2;
    if (known[at] === undefined) {
      const letter = directionLetter(direction);
      const target = factory.policyChain(policy, direction);
      known[at] = this.id(`policy|${target}|${policy.key}|${letter}`, () => ({ matches: [passClear], actions: [{ kind: 'jump', target }], origin: policyOrigin(policy, letter) }));
      known[at + 1] = this.id(`allowed|${policy.key}`, () => ({ matches: [acceptSet], actions: [{ kind: 'return' }], origin: { id: `s:allowed:${policy.key}` } }));
    }
    return known.slice(at, at + 2);
  }
}

/*
 * Why endpoint chains are shared: most endpoints of a cluster are replicas that the same
 * policies and profiles select, and their chains are rule for rule the same. Felix writes
 * one chain per interface (cali-tw-<interface>); calpol writes one per distinct body and
 * lets the dispatch maps send each interface to it. At 50k pods that is 7k chains instead
 * of 100k (a whole-cluster iptables ruleset: 200 MB less per family). A chain's name is
 * a hash of its rules' keys, so it does not depend on which endpoint asked first.
 */
export class EndpointChains {
  private readonly shared = new SharedRules();
  /** Chain name by prefix and rule ids (cheap to build for every endpoint). */
  private readonly names = new Map<string, string>();
  /** Names given so far: a body (new to `names`) hashing to one of them would be a collision. */
  private readonly given = new Set<string>();

  constructor(private readonly factory: ChainFactory) {}

  /** The name of the chain for this endpoint plan, added to the program on first use. */
  chainFor(plan: EndpointPlan): string {
    const prefix = endpointChainPrefix(plan.endpoint, plan.direction, plan.chain);
    const ids = endpointChainRuleIds(plan, this.factory, this.shared);
    const idKey = `${prefix}|${ids.join(',')}`;
    const known = this.names.get(idKey);
    if (known !== undefined) return known;
    // Keys hold validated names (no NUL) and chain names: joined with NUL, they stay apart.
    const body = [prefix, ...ids.map((id) => this.shared.keys[id])].join('\0');
    const name = assertSafeName(prefix + shortHash(body, MAX_CHAIN_NAME - prefix.length), MAX_CHAIN_NAME);
    if (this.given.has(name)) throw new Error(`bug: two endpoint chain bodies hash to ${name}`);
    this.given.add(name);
    this.names.set(idKey, name);
    this.factory.add({ name, rules: ids.map((id) => this.shared.rules[id] as Rule) });
    return name;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function hasRules(profile: Profile, direction: Direction): boolean {
  return (direction === 'ingress' ? profile.ingress : profile.egress).length > 0;
}

function policyOrigin(policy: Policy, letter: string) {
  return { id: `p:${policy.key}:${letter}`, tier: policy.tier, policy: policy.key, direction: letter === 'i' ? ('ingress' as const) : ('egress' as const) };
}

/** Whether an endpoint chain of this kind is needed at all (forward/untracked/preDNAT chains only with a tier). */
export function chainNeeded(plan: EndpointPlan): boolean {
  if (plan.chain === 'normal') return true;
  return plan.tiers.some((tier) => tier.policies.some((policy) => !policy.staged));
}
