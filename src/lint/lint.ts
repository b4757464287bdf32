import { sortDiagnostics, type Diagnostic } from '../diag/index.js';
import { loadModel, type ModelOptions, type SourceFile } from '../model/index.js';
import { buildTierPlan, type TieBreak } from '../tiers/index.js';
import { semanticRules } from './rules/index.js';

export interface LintOptions extends ModelOptions {
  tieBreak?: TieBreak;
}

export interface LintOutcome {
  diagnostics: Diagnostic[];
  /** True when some input could not be read as YAML at all (exit 2 rather than 1). */
  unreadable: boolean;
}

/** Codes that mean the input itself could not be read: lint exits 2 for them. */
export const UNREADABLE_CODES: ReadonlySet<string> = new Set(['yaml-syntax', 'unreadable-input']);

/** Everything calpol can say about the inputs, in a stable order. */
export function lintSources(sources: readonly SourceFile[], options: LintOptions = {}): LintOutcome {
  const model = loadModel(sources, options);
  const found = [...model.diagnostics];
  // Semantic rules reason about the tier plan, which is only meaningful for valid resources
  // (a missing tier still gives one: Felix orders its policies after every defined tier).
  if (!model.inputHasErrors) {
    const plan = buildTierPlan(model.policySet, model.inventory, { tieBreak: options.tieBreak ?? 'calpol' });
    const context = { model, plan, hasEndpoints: model.inventory.endpoints.length > 0 };
    for (const rule of semanticRules) found.push(...rule.check(context));
  }
  const diagnostics = sortDiagnostics(found);
  return { diagnostics, unreadable: diagnostics.some((d) => d.severity === 'error' && UNREADABLE_CODES.has(d.code)) };
}
