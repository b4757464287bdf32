import { report, type Diagnostic, type RuleDefinition, type Span } from '../diag/index.js';
import type { Model } from '../model/index.js';
import type { TierPlan } from '../tiers/index.js';

/** What a semantic lint rule sees: the valid model and its tier plan. */
export interface LintContext {
  model: Model;
  plan: TierPlan;
  /** True when the input has endpoints (pods, workload or host endpoints): rules about selection are meaningful. */
  hasEndpoints: boolean;
}

/**
 * A lint rule that needs the tier plan (one file per rule in src/lint/rules/<id>.ts): a
 * rule definition (id, severity, description, message table) plus `check`, which returns
 * its findings, built with `finding()` so the message always comes from the table.
 */
export interface SemanticRule<MessageId extends string = string> extends RuleDefinition<MessageId> {
  check(context: LintContext): Diagnostic[];
}

export function finding<M extends string>(
  rule: RuleDefinition<M>,
  messageId: M,
  span: Span | undefined,
  data: Record<string, string | number | boolean> = {},
): Diagnostic {
  return report(rule, messageId, span, data);
}
