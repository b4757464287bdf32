import type { Diagnostic } from '../../diag/index.js';
import type { Policy, PolicyRule } from '../../model/index.js';
import type { Direction } from '../../tiers/index.js';
import { finding, type SemanticRule } from '../rule.js';
import { ruleCovers } from './match-space.js';
import { DIRECTIONS, describePolicy, isTerminal, rulesOf } from './policy-facts.js';

type MessageId = 'shadowed' | 'redundant';

/**
 * A rule that an earlier rule of the same policy and direction makes dead: the earlier
 * rule is terminal (Allow, Deny or Pass) and provably matches every packet the later one
 * could (match-space.ts `ruleCovers`), so the later rule is never reached by any packet
 * it matches. Pairwise within one policy's rule list only.
 */
export const shadowedRule: SemanticRule<MessageId> = {
  id: 'shadowed-rule',
  severity: 'warning',
  description: 'A rule can never match because an earlier terminal rule of the same policy matches every packet it would.',
  messages: {
    shadowed:
      '{direction} rule {index} ({action}) of {policy} can never match: rule {earlier} ({earlierAction}) above it matches every packet it would',
    redundant:
      '{direction} rule {index} ({action}) of {policy} is dead: rule {earlier} above it already does the same for every packet it would match',
  },
  check(context) {
    const found: Diagnostic[] = [];
    for (const policy of context.model.policySet.policies) {
      for (const direction of DIRECTIONS) found.push(...shadowedIn(policy, direction));
    }
    return found;
  },
};

function shadowedIn(policy: Policy, direction: Direction): Diagnostic[] {
  const rules = rulesOf(policy, direction);
  const terminalSoFar: PolicyRule[] = [];
  const found: Diagnostic[] = [];
  for (const rule of rules) {
    const earlier = terminalSoFar.find((candidate) => ruleCovers(candidate, rule));
    if (earlier) found.push(report(policy, direction, earlier, rule));
    // A shadowed rule decides nothing, so it cannot shadow anything either.
    else if (isTerminal(rule.action)) terminalSoFar.push(rule);
  }
  return found;
}

function report(policy: Policy, direction: Direction, earlier: PolicyRule, rule: PolicyRule): Diagnostic {
  const messageId: MessageId = earlier.action === rule.action ? 'redundant' : 'shadowed';
  return finding(shadowedRule, messageId, rule.span, {
    direction,
    index: rule.index,
    action: rule.action,
    policy: describePolicy(policy),
    earlier: earlier.index,
    earlierAction: earlier.action,
  });
}
