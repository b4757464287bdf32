import type { Diagnostic } from '../../diag/index.js';
import type { Policy } from '../../model/index.js';
import type { Direction, OrderedTier } from '../../tiers/index.js';
import { finding, type SemanticRule } from '../rule.js';
import { DIRECTIONS, describePolicy, rulesOf } from './policy-facts.js';

type MessageId = 'passRule' | 'passDefault';

/**
 * Pass hands a packet to the next tier that applies; after the last one, the endpoint's
 * profiles decide (docs/calico-semantics.md §3.1 step 7): for pods `kns.<ns>` allows everything, for a
 * host endpoint without profiles nothing does. So a Pass in the last tier means "allow"
 * for pods and "deny" for host endpoints, which the policy text does not say.
 *
 * "Last tier" for a direction: no later tier in the plan has an enforced policy governing
 * that direction (in normal chains), so the claim holds for every endpoint. doNotTrack and
 * preDNAT policies are left out: Pass there is the normal way to hand on to the filter
 * table, where profiles do not run after them.
 *
 * Severity info, not warning: the outcome is well defined and often intended (a layered
 * design passes to a later tier that simply has no policy for this direction yet); the
 * finding says what actually happens rather than pointing at a definite mistake.
 */
export const passInLastTier: SemanticRule<MessageId> = {
  id: 'pass-in-last-tier',
  severity: 'info',
  description: 'A Pass (rule or tier default) in the last tier that applies hands traffic to the endpoint profiles.',
  messages: {
    passRule:
      '{direction} rule {index} of {policy} passes, but no later tier has {direction} policy: the endpoint\'s profiles decide (pods: allowed by kns.<namespace>; host endpoints without profiles: denied)',
    passDefault:
      'tier {tier} has defaultAction Pass and is the last tier with {direction} policy: what its policies do not decide goes to the endpoint\'s profiles (pods: allowed; host endpoints without profiles: denied)',
  },
  check(context) {
    const found: Diagnostic[] = [];
    const lastFor = new Map<OrderedTier, Direction[]>();
    for (const direction of DIRECTIONS) {
      const last = [...context.plan.tiers].reverse().find(({ policies }) => policies.some((p) => governsNormal(p, direction)));
      if (!last) continue;
      lastFor.set(last, [...(lastFor.get(last) ?? []), direction]);
      found.push(...passRules(last, direction));
    }
    for (const [{ tier }, directions] of lastFor) {
      if (tier.builtIn || !tier.defined || tier.defaultAction !== 'Pass') continue;
      found.push(finding(passInLastTier, 'passDefault', tier.span, { tier: tier.name, direction: directions.join(' and ') }));
    }
    return found;
  },
};

function governsNormal(policy: Policy, direction: Direction): boolean {
  return !policy.staged && !policy.doNotTrack && !policy.preDNAT && policy.appliesTo[direction];
}

function passRules(last: OrderedTier, direction: Direction): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const policy of last.policies) {
    if (!governsNormal(policy, direction)) continue;
    for (const rule of rulesOf(policy, direction)) {
      if (rule.action !== 'Pass') continue;
      found.push(
        finding(passInLastTier, 'passRule', rule.span, { direction, index: rule.index, policy: describePolicy(policy) }),
      );
    }
  }
  return found;
}
