import type { RuleDefinition } from '../diag/index.js';
import { uncompilable } from '../ir/index.js';
import { modelRules, normalizeRules } from '../model/index.js';
import { semanticRules } from './rules/index.js';

/**
 * Every diagnostic code calpol can print, each owned by one rule definition (one file
 * per rule, in the stage that detects it). test/lint/meta.test.ts keeps this list, the
 * docs in docs/rules/ and the per-rule tests in step.
 */
export function allRules(): RuleDefinition[] {
  const rules: RuleDefinition[] = [...modelRules, ...normalizeRules, ...semanticRules, uncompilable];
  return rules.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function findRule(id: string): RuleDefinition | undefined {
  return allRules().find((rule) => rule.id === id);
}
