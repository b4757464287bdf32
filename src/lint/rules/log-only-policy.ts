import type { Diagnostic } from '../../diag/index.js';
import type { Policy, Tier } from '../../model/index.js';
import type { Direction } from '../../tiers/index.js';
import { finding, type SemanticRule } from '../rule.js';
import { DIRECTIONS, describePolicy, rulesOf } from './policy-facts.js';

type MessageId = 'logOnly';

/**
 * A policy whose rules for a direction it governs are all `Log` (Calico issue #3801):
 * Log decides nothing, but the policy still selects its endpoints, so its tier applies to
 * them and everything the tier's other policies do not decide hits the end-of-tier Deny.
 * Only reported where that Deny exists: an enforced policy, a tier with default Deny, and
 * a normal chain (doNotTrack and preDNAT tiers always pass at their end).
 */
export const logOnlyPolicy: SemanticRule<MessageId> = {
  id: 'log-only-policy',
  severity: 'warning',
  description: 'A policy whose rules for a direction are all Log makes its tier apply, so traffic ends in the tier\'s default Deny.',
  messages: {
    logOnly:
      '{policy} has only Log rules for {direction}: Log decides nothing, but the policy makes tier {tier} apply to the endpoints it selects, so their {direction} traffic that nothing else allows is denied at the end of the tier',
  },
  check(context) {
    const tiers = new Map(context.plan.tiers.map(({ tier }) => [tier.name, tier]));
    const found: Diagnostic[] = [];
    for (const policy of context.model.policySet.policies) {
      const directions = DIRECTIONS.filter((direction) => logOnly(policy, direction));
      if (directions.length === 0 || !endsInDeny(policy, tiers.get(policy.tier))) continue;
      found.push(
        finding(logOnlyPolicy, 'logOnly', policy.span, {
          policy: describePolicy(policy),
          direction: directions.join(' and '),
          tier: policy.tier,
        }),
      );
    }
    return found;
  },
};

function logOnly(policy: Policy, direction: Direction): boolean {
  const rules = rulesOf(policy, direction);
  return policy.appliesTo[direction] && rules.length > 0 && rules.every((rule) => rule.action === 'Log');
}

function endsInDeny(policy: Policy, tier: Tier | undefined): boolean {
  return !policy.staged && !policy.doNotTrack && !policy.preDNAT && tier?.defaultAction === 'Deny';
}
