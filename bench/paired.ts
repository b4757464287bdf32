import type { ChildResult } from './child.js';

export type PairSize = 'base' | 'doubled';

/** Measures one step at one size; `skip` (when given) says why it must not run there. */
export type MeasureAt = (step: string, index: number, size: PairSize, skip: string | undefined) => ChildResult;

/**
 * Runs every step at the size and, right after it, at twice the size (when `withDoubled`).
 * Why pairs rather than all steps at one size, then all at the other: the machine's speed
 * drifts over minutes (other tenants, memory reclaim), and a ratio of two times measured
 * ten minutes apart carried that drift; a step's two sizes back to back see the same
 * machine. A step that failed or was skipped at the size is not run at twice the size (a
 * failure there fails again, slower); a step whose `requires` failed at a size is skipped
 * at that size.
 */
export function measurePaired(
  steps: readonly string[],
  requiresOf: (step: string) => string | undefined,
  withDoubled: boolean,
  measure: MeasureAt,
): { base: ChildResult[]; doubled: ChildResult[] } {
  const results: Record<PairSize, ChildResult[]> = { base: [], doubled: [] };
  const failed: Record<PairSize, Set<string>> = { base: new Set(), doubled: new Set() };
  const blockedBy = (step: string, size: PairSize) => {
    const requires = requiresOf(step);
    return requires !== undefined && failed[size].has(requires) ? `${requires} failed (its setup does the same work)` : undefined;
  };
  const record = (size: PairSize, result: ChildResult) => {
    if (result.error) failed[size].add(result.step);
    results[size].push(result);
    return result;
  };
  for (const [index, step] of steps.entries()) {
    const atSize = record('base', measure(step, index, 'base', blockedBy(step, 'base')));
    if (!withDoubled) continue;
    const skip = atSize.error || atSize.skipped ? 'no result at the smaller size' : blockedBy(step, 'doubled');
    record('doubled', measure(step, index, 'doubled', skip));
  }
  return results;
}
