import type { Diagnostic } from '../../diag/index.js';
import type { Policy } from '../../model/index.js';
import { endpointMask, type Bitset, type Direction, type TierPlan } from '../../tiers/index.js';
import { finding, type LintContext, type SemanticRule } from '../rule.js';
import {
  DIRECTIONS,
  chainClass,
  conjuncts,
  describeOrder,
  describePolicy,
  isCatchAll,
  isTerminal,
  orderGroups,
  rulesOf,
  selectorImplies,
} from './policy-facts.js';

type MessageId = 'unreachable' | 'unreachableSeveral';

/**
 * A policy no packet reaches: for every direction it governs and every endpoint it
 * selects, a policy that runs before it decides every packet with a catch-all rule.
 *
 * Soundness: a "decider" Q has a terminal rule with no match criteria, so every packet
 * that reaches Q is decided by Q (by that rule or an earlier one). Q runs before P when
 * - Q is in P's tier with a strictly lower order (so no tie-break is involved): any
 *   decision, Pass included, ends the tier for the packet; or
 * - Q is in an earlier tier, Q never passes (no Pass rule in that direction) and no
 *   enforced policy up to Q's order in Q's tier has a Pass rule, so every packet of the
 *   endpoint is allowed or denied in Q's tier and never reaches a later tier.
 * and Q runs in every chain P runs in (same doNotTrack/preDNAT class; applyOnForward on Q
 * if P has it). "Every endpoint P selects" is checked with the membership index when the
 * input has endpoints (P selecting none is selector-matches-nothing's business), and by
 * selector implication (Q's selector is all() or a sub-conjunction of P's) otherwise.
 */
export const unreachablePolicy: SemanticRule<MessageId> = {
  id: 'unreachable-policy',
  severity: 'warning',
  description: 'A policy is never reached: earlier policies decide every packet of every endpoint it selects.',
  messages: {
    unreachable:
      '{policy} is never reached: {blocker} (tier {blockerTier}, order {blockerOrder}) runs first for every endpoint it selects and decides every {direction} packet with a catch-all rule',
    unreachableSeveral:
      '{policy} is never reached: for every endpoint it selects, earlier policies with catch-all {direction} rules decide every packet first',
  },
  check(context) {
    return new UnreachableScan(context).run();
  },
};

function isDecider(policy: Policy, direction: Direction): boolean {
  return policy.appliesTo[direction] && rulesOf(policy, direction).some((rule) => isTerminal(rule.action) && isCatchAll(rule));
}

const hasPass = (policy: Policy, direction: Direction) => rulesOf(policy, direction).some((rule) => rule.action === 'Pass');

/** Q runs in every chain P runs in. */
const sharesChains = (blocker: Policy, policy: Policy) =>
  chainClass(blocker) === chainClass(policy) && (blocker.applyOnForward || !policy.applyOnForward);

/**
 * Deciders seen so far, per direction and chain class; with endpoints also the union of
 * the endpoints they select (per applyOnForward flag), so checking a policy costs one
 * lookup per endpoint it selects; without endpoints, indexed by one conjunct of their
 * selector, so only deciders that can imply the policy's selector are compared.
 */
class Deciders {
  private readonly byClass = new Map<string, Policy[]>();
  private readonly unions = new Map<string, Bitset>();
  private readonly byAnchor = new Map<string, Policy[]>();

  constructor(
    private readonly plan: TierPlan,
    private readonly mask: Bitset | undefined,
  ) {}

  add(policy: Policy, direction: Direction): void {
    const key = `${direction}|${chainClass(policy)}`;
    push(this.byClass, key, policy);
    if (this.mask) {
      const unionKey = `${key}|${policy.applyOnForward}`;
      const members = this.plan.membership.members(policy.selector).and(this.mask);
      const union = this.unions.get(unionKey);
      this.unions.set(unionKey, union ? union.or(members) : members);
    } else {
      const anchor = [...conjuncts(policy.selector)].sort()[0] ?? '';
      push(this.byAnchor, `${key}|${anchor}`, policy);
    }
  }

  /** The one decider covering `policy`, 'several' when only their union does, else undefined. */
  cover(policy: Policy, direction: Direction, selected: number[] | undefined): Policy | 'several' | undefined {
    const key = `${direction}|${chainClass(policy)}`;
    if (!selected) return this.coverBySelector(policy, key);
    const unions = (policy.applyOnForward ? ['true'] : ['true', 'false'])
      .map((flag) => this.unions.get(`${key}|${flag}`))
      .filter((union) => union !== undefined);
    if (!selected.every((index) => unions.some((union) => union.has(index)))) return undefined;
    const single = (this.byClass.get(key) ?? []).find((q) => {
      const members = this.plan.membership.members(q.selector);
      return sharesChains(q, policy) && selected.every((index) => members.has(index));
    });
    return single ?? 'several';
  }

  private coverBySelector(policy: Policy, key: string): Policy | undefined {
    for (const anchor of ['', ...conjuncts(policy.selector)]) {
      const found = (this.byAnchor.get(`${key}|${anchor}`) ?? []).find(
        (q) => sharesChains(q, policy) && selectorImplies(policy.selector, q.selector),
      );
      if (found) return found;
    }
    return undefined;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

class UnreachableScan {
  private readonly mask: Bitset | undefined;
  private readonly earlierTiers: Deciders;

  constructor(private readonly context: LintContext) {
    this.mask = context.hasEndpoints ? endpointMask(context.plan) : undefined;
    this.earlierTiers = new Deciders(context.plan, this.mask);
  }

  run(): Diagnostic[] {
    const found: Diagnostic[] = [];
    for (const { policies } of this.context.plan.tiers) {
      const sameTier = new Deciders(this.context.plan, this.mask);
      const neverPassing: [Policy, Direction][] = [];
      const passSeen = { ingress: false, egress: false };
      for (const group of orderGroups(policies.filter((policy) => !policy.staged))) {
        for (const policy of group) {
          const diagnostic = this.checkPolicy(policy, sameTier);
          if (diagnostic) found.push(diagnostic);
        }
        // Why the whole group counts before any member: within equal order, which runs
        // first is a tie-break; claims must not depend on it.
        for (const direction of DIRECTIONS) {
          if (group.some((policy) => policy.appliesTo[direction] && hasPass(policy, direction))) passSeen[direction] = true;
        }
        for (const policy of group) {
          for (const direction of DIRECTIONS) {
            if (!isDecider(policy, direction)) continue;
            sameTier.add(policy, direction);
            if (!passSeen[direction]) neverPassing.push([policy, direction]);
          }
        }
      }
      for (const [policy, direction] of neverPassing) this.earlierTiers.add(policy, direction);
    }
    return found;
  }

  /** Indices of the endpoints a policy selects (the membership index lists network sets after them). */
  private selectedEndpoints(policy: Policy): number[] {
    const endpointCount = this.context.plan.inventory.endpoints.length;
    const selected: number[] = [];
    for (const index of this.context.plan.membership.members(policy.selector).members()) {
      if (index >= endpointCount) break;
      selected.push(index);
    }
    return selected;
  }

  private checkPolicy(policy: Policy, sameTier: Deciders): Diagnostic | undefined {
    const selected = this.mask ? this.selectedEndpoints(policy) : undefined;
    if (selected?.length === 0) return undefined;
    let first: { direction: Direction; blocker: Policy | 'several' } | undefined;
    for (const direction of DIRECTIONS) {
      if (!policy.appliesTo[direction]) continue;
      const blocker = sameTier.cover(policy, direction, selected) ?? this.earlierTiers.cover(policy, direction, selected);
      if (!blocker) return undefined;
      first ??= { direction, blocker };
    }
    if (!first) return undefined;
    const data = { policy: describePolicy(policy), direction: first.direction };
    if (first.blocker === 'several') return finding(unreachablePolicy, 'unreachableSeveral', policy.span, data);
    const blocker = first.blocker;
    return finding(unreachablePolicy, 'unreachable', policy.span, {
      ...data,
      blocker: describePolicy(blocker),
      blockerTier: blocker.tier,
      blockerOrder: describeOrder(blocker),
    });
  }
}
