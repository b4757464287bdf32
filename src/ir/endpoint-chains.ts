import type { Endpoint, Policy, Profile } from '../model/index.js';
import type { ChainKind, Direction, EndpointPlan } from '../tiers/index.js';
import type { ChainFactory } from './chain-factory.js';
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
 * tier passed: the packet goes on to the next stage (reference §3.5).
 */
export function endpointChainRules(plan: EndpointPlan, factory: ChainFactory): Rule[] {
  const { endpoint, direction, chain } = plan;
  const letter = directionLetter(direction);
  const shared = sharedRulesOf(factory);
  const rules: Rule[] = [];
  const failsafe = factory.failsafeChain(endpoint, direction, chain);
  if (failsafe) rules.push(shared(`failsafe|${failsafe}|${letter}`, () => ({ matches: [], actions: [{ kind: 'jump', target: failsafe }], origin: { id: `s:failsafe:${letter}` } })));
  rules.push(shared('clear-marks', () => ({ matches: [], actions: [{ kind: 'setMark', mask: MARK_ACCEPT | MARK_PASS, value: 0 }], origin: { id: 's:clear-marks' } })));
  for (const applied of plan.tiers) {
    const enforced = applied.policies.filter((policy) => !policy.staged);
    if (enforced.length === 0) continue;
    const tier = applied.tier.name;
    rules.push(shared(`tier|${tier}`, () => ({ matches: [], actions: [{ kind: 'setMark', mask: MARK_PASS, value: 0 }], origin: { id: `s:tier:${tier}` } })));
    for (const policy of enforced) {
      const target = factory.policyChain(policy, direction);
      rules.push(shared(`policy|${target}|${policy.key}|${letter}`, () => ({ matches: [passClear], actions: [{ kind: 'jump', target }], origin: policyOrigin(policy, letter) })));
      rules.push(shared(`allowed|${policy.key}`, () => ({ matches: [acceptSet], actions: [{ kind: 'return' }], origin: { id: `s:allowed:${policy.key}` } })));
    }
    if (applied.endOfTierDrop) {
      const origin = { id: `t:${tier}:${letter}:${endpoint.key}`, tier, direction };
      rules.push({ matches: [passClear], actions: [{ kind: 'drop' }], origin });
    }
  }
  if (chain === 'normal') {
    for (const step of plan.profiles) {
      if (!step.profile || !hasRules(step.profile, direction)) continue;
      const target = factory.profileChain(step.profile, direction);
      const name = step.name;
      rules.push(shared(`profile|${target}|${name}|${letter}`, () => ({ matches: [], actions: [{ kind: 'jump', target }], origin: { id: `r:${name}:${letter}`, profile: name, direction } })));
      rules.push(shared(`profile-allowed|${name}`, () => ({ matches: [acceptSet], actions: [{ kind: 'return' }], origin: { id: `s:allowed:profile:${name}` } })));
    }
    rules.push({ matches: [], actions: [{ kind: 'drop' }], origin: { id: `s:no-profile:${letter}:${endpoint.key}` } });
  }
  return rules;
}

/*
 * The rules of endpoint chains that do not name their endpoint (mark resets, jumps to
 * policy and profile chains, "allowed?" returns) are the same objects in every endpoint
 * chain of a program: a whole-cluster program has about 40 per endpoint, two million at
 * 50k endpoints, and one copy each was most of its memory. They are frozen, so nothing
 * can change one endpoint's copy under another's.
 */
const sharedRules = new WeakMap<ChainFactory, Map<string, Rule>>();

function sharedRulesOf(factory: ChainFactory): (key: string, build: () => Rule) => Rule {
  let rules = sharedRules.get(factory);
  if (!rules) sharedRules.set(factory, (rules = new Map()));
  const known = rules;
  return (key, build) => {
    let rule = known.get(key);
    if (!rule) known.set(key, (rule = deepFreeze(build())));
    return rule;
  };
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
