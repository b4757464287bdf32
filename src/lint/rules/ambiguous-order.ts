import type { Diagnostic } from '../../diag/index.js';
import { IpSets } from '../../eval/index.js';
import type { Policy, PolicyRule } from '../../model/index.js';
import { comparePolicies, type Direction, type TieBreak } from '../../tiers/index.js';
import { finding, type LintContext, type SemanticRule } from '../rule.js';
import { rulesDisjoint } from './match-space.js';
import { rulesOverlap, type OverlapContext } from './overlap.js';
import {
  DIRECTIONS,
  canMatch,
  chainClass,
  describeOrder,
  describePolicy,
  isTerminal,
  orderGroups,
  rulesOf,
  selectorImplies,
} from './policy-facts.js';

type MessageId = 'ambiguousOrder';

/**
 * Two enforced policies of one tier with the same order, which can both apply to one
 * endpoint and direction, and which decide some packet differently: which of them runs
 * first (and so the verdict) is decided by the tie-break alone.
 *
 * Soundness of "decide differently": we look for a rule `a` of A and `b` of B with
 * different terminal actions and a packet both match (overlap.ts builds one). A decides
 * that packet with `a`'s action if every earlier terminal rule of A with another action
 * provably cannot match it (it is disjoint from `a`); likewise for B. Then A and B give
 * different answers for the packet, and whichever runs first wins.
 *
 * Cost: pairs are formed only inside an equal-order group of one tier, only between a
 * namespace's policies and the global ones (namespaced policies select only their own
 * namespace), and skipped at once when both policies only ever give the same action.
 */
export const ambiguousOrder: SemanticRule<MessageId> = {
  id: 'ambiguous-order',
  severity: 'warning',
  description: 'Two policies with the same order decide some packet differently, so the verdict depends on the tie-break.',
  messages: {
    ambiguousOrder:
      '{policy} and {other} (tier {tier}) both have order {order}, and for some {direction} packets their rules disagree ({policy} rule {rule}: {ruleAction}; {other} rule {otherRule}: {otherAction}), so the verdict depends on the tie-break: --tie-break calpol runs {calpolFirst} first, --tie-break upstream runs {upstreamFirst} first',
  },
  check(context) {
    const overlap: OverlapContext = {
      plan: context.plan,
      ipSets: new IpSets(context.plan),
      hasEndpoints: context.hasEndpoints,
    };
    const selected = new SelectedEndpoints(context);
    const found: Diagnostic[] = [];
    for (const { tier, policies } of context.plan.tiers) {
      for (const group of orderGroups(policies.filter((policy) => !policy.staged))) {
        if (group.length < 2) continue;
        for (const [first, second] of candidatePairs(group)) {
          const diagnostic = checkPair(selected, overlap, tier.name, first, second);
          if (diagnostic) found.push(diagnostic);
        }
      }
    }
    return found;
  },
};

/**
 * Pairs (in plan order) that can share an endpoint by namespace: two policies of the same
 * namespace, or a global policy and any other. Bucketed, so that a group of thousands of
 * namespaced policies does not cost a pass over every pair.
 */
function* candidatePairs(group: Policy[]): Generator<[Policy, Policy]> {
  const position = new Map(group.map((policy, index) => [policy, index]));
  const inPlanOrder = (a: Policy, b: Policy): [Policy, Policy] => (position.get(a)! < position.get(b)! ? [a, b] : [b, a]);
  const globals = group.filter((policy) => policy.namespace === undefined);
  const byNamespace = new Map<string, Policy[]>();
  for (const policy of group) {
    if (policy.namespace === undefined) continue;
    const bucket = byNamespace.get(policy.namespace);
    if (bucket) bucket.push(policy);
    else byNamespace.set(policy.namespace, [policy]);
  }
  for (const bucket of [globals, ...byNamespace.values()]) {
    for (let i = 0; i < bucket.length; i++) for (let j = i + 1; j < bucket.length; j++) yield [bucket[i]!, bucket[j]!];
  }
  for (const global of globals) {
    for (const policy of group) if (policy.namespace !== undefined) yield inPlanOrder(global, policy);
  }
}

/**
 * Which endpoints a policy selects, as a sorted index list (cached per selector): checking
 * whether two policies share one then costs the smaller list, not a pass over all endpoints.
 */
class SelectedEndpoints {
  private readonly lists = new Map<string, number[]>();

  constructor(private readonly context: LintContext) {}

  private list(policy: Policy): number[] {
    let list = this.lists.get(policy.selector.id);
    if (!list) {
      const endpointCount = this.context.plan.inventory.endpoints.length;
      list = [];
      for (const index of this.context.plan.membership.members(policy.selector).members()) {
        if (index >= endpointCount) break;
        list.push(index);
      }
      this.lists.set(policy.selector.id, list);
    }
    return list;
  }

  shared(a: Policy, b: Policy): boolean {
    if (chainClass(a) !== chainClass(b)) return false;
    if (!this.context.hasEndpoints) return selectorImplies(a.selector, b.selector) || selectorImplies(b.selector, a.selector);
    const [small, large] = [a, b].sort((x, y) => this.list(x).length - this.list(y).length) as [Policy, Policy];
    const largeMembers = this.context.plan.membership.members(large.selector);
    return this.list(small).some((index) => largeMembers.has(index));
  }
}

const actionCache = new WeakMap<PolicyRule[], ReadonlySet<string>>();

/** The actions a policy's rules can decide with, for one direction (cached per rule list). */
function terminalActions(policy: Policy, direction: Direction): ReadonlySet<string> {
  const rules = rulesOf(policy, direction);
  let actions = actionCache.get(rules);
  if (!actions) {
    actions = new Set(rules.filter((r) => isTerminal(r.action) && canMatch(r)).map((r) => r.action));
    actionCache.set(rules, actions);
  }
  return actions;
}

function mayConflict(a: Policy, b: Policy, direction: Direction): boolean {
  if (!a.appliesTo[direction] || !b.appliesTo[direction]) return false;
  const aActions = terminalActions(a, direction);
  const bActions = terminalActions(b, direction);
  for (const x of aActions) for (const y of bActions) if (x !== y) return true;
  return false;
}

/** Whether A surely decides every packet `rule` matches with `rule`'s action (see the file comment). */
function decidesWith(rules: readonly PolicyRule[], rule: PolicyRule): boolean {
  return rules
    .slice(0, rules.indexOf(rule))
    .every((earlier) => !isTerminal(earlier.action) || earlier.action === rule.action || rulesDisjoint(earlier, rule));
}

type RulePair = [PolicyRule, PolicyRule];

function conflictingRules(a: Policy, b: Policy, direction: Direction, overlap: OverlapContext): RulePair | undefined {
  const aRules = rulesOf(a, direction);
  const bRules = rulesOf(b, direction);
  for (const x of aRules) {
    if (!isTerminal(x.action) || !canMatch(x) || !decidesWith(aRules, x)) continue;
    for (const y of bRules) {
      if (!isTerminal(y.action) || y.action === x.action || !canMatch(y)) continue;
      if (decidesWith(bRules, y) && rulesOverlap(x, y, overlap)) return [x, y];
    }
  }
  return undefined;
}

function checkPair(
  selected: SelectedEndpoints,
  overlap: OverlapContext,
  tier: string,
  first: Policy,
  second: Policy,
): Diagnostic | undefined {
  const directions = DIRECTIONS.filter((direction) => mayConflict(first, second, direction));
  if (directions.length === 0 || !selected.shared(first, second)) return undefined;
  for (const direction of directions) {
    const conflict = conflictingRules(second, first, direction, overlap);
    if (conflict) return report(tier, direction, [second, first], conflict);
  }
  return undefined;
}

/** At the later policy (in the plan's order), naming what each tie-break would run first. */
function report(
  tier: string,
  direction: Direction,
  [later, earlier]: [Policy, Policy],
  [rule, otherRule]: RulePair,
): Diagnostic {
  const firstUnder = (tieBreak: TieBreak) => describePolicy(comparePolicies(tieBreak)(later, earlier) < 0 ? later : earlier);
  return finding(ambiguousOrder, 'ambiguousOrder', later.span, {
    policy: describePolicy(later),
    other: describePolicy(earlier),
    tier,
    order: describeOrder(later),
    direction,
    ruleAction: rule.action,
    rule: rule.index,
    otherAction: otherRule.action,
    otherRule: otherRule.index,
    calpolFirst: firstUnder('calpol'),
    upstreamFirst: firstUnder('upstream'),
  });
}
