import type { Diagnostic } from '../../diag/index.js';
import type { Policy } from '../../model/index.js';
import { endpointMask, type Direction } from '../../tiers/index.js';
import { finding, type LintContext, type SemanticRule } from '../rule.js';
import { DIRECTIONS, PolicySpans, describePolicy, rulesOf } from './policy-facts.js';

type MessageId = 'policySelectsNothing' | 'ruleSelectsNothing';

/**
 * With an inventory, a selector that selects nothing is almost always a typo or a stale
 * label (k8sgpt #157 asks for exactly this). Checked with the membership index, against
 * selectors as Felix sees them: policy selectors after the namespace rewrite, over the
 * endpoints; rule selectors after the syncer's rewrite (namespace term, namespaceSelector,
 * serviceAccounts), over endpoints and network sets, which is what their IP sets hold.
 * Only when the input has endpoints: without them every selector selects nothing.
 */
export const selectorMatchesNothing: SemanticRule<MessageId> = {
  id: 'selector-matches-nothing',
  severity: 'warning',
  description: 'A policy or rule selector selects no endpoint (or network set) of the input.',
  messages: {
    policySelectsNothing: 'the selector of {policy} selects no endpoint of the input, so the policy applies to nothing',
    ruleSelectsNothing:
      'the {side} selector of {direction} rule {index} of {policy} selects no endpoint or network set of the input, so the rule never matches',
  },
  check(context) {
    if (!context.hasEndpoints) return [];
    const spans = new PolicySpans(context.model);
    const endpoints = endpointMask(context.plan);
    const found: Diagnostic[] = [];
    for (const policy of context.model.policySet.policies) {
      const selected = context.plan.membership.members(policy.selector).and(endpoints);
      if (selected.isEmpty()) {
        found.push(finding(selectorMatchesNothing, 'policySelectsNothing', spans.policySelector(policy), { policy: describePolicy(policy) }));
      }
      for (const direction of DIRECTIONS) found.push(...ruleFindings(context, spans, policy, direction));
    }
    return found;
  },
};

function ruleFindings(context: LintContext, spans: PolicySpans, policy: Policy, direction: Direction): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const rule of rulesOf(policy, direction)) {
    for (const side of ['source', 'destination'] as const) {
      const selector = rule[side].selector;
      if (!selector || !context.plan.membership.members(selector).isEmpty()) continue;
      found.push(
        finding(selectorMatchesNothing, 'ruleSelectsNothing', spans.ruleSelector(policy, direction, rule, side), {
          side,
          direction,
          index: rule.index,
          policy: describePolicy(policy),
        }),
      );
    }
  }
  return found;
}
