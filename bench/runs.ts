/**
 * How many timed runs a step gets. `--runs` is the minimum. A step whose runs are short
 * gets more, until its runs add up to two seconds (at most 25): three samples of a 45 ms
 * step are too few for a steady median, since a GC or the sweeping after one can double
 * a single run, and a 200 ms step's median moved by 15% between children with three to
 * six runs. `elapsedMs` are the wall times of the runs so far, whole (not per query).
 */
export const SHORT_STEP_TOTAL_MS = 2000;
export const MAX_RUNS = 25;

export function wantsAnotherRun(elapsedMs: readonly number[], minimumRuns: number): boolean {
  if (elapsedMs.length < minimumRuns) return true;
  if (elapsedMs.length >= MAX_RUNS) return false;
  return elapsedMs.reduce((sum, ms) => sum + ms, 0) < SHORT_STEP_TOTAL_MS;
}
