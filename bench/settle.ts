/**
 * The forced collection before each timed run, and a pause until its background work is done.
 *
 * Why pause: the child forces a full GC before each run so one run's garbage is not billed
 * to the next. V8 then sweeps the heap on a helper thread, and on a 2-core machine that
 * sweep competes with the run for the other core's caches and memory bandwidth. A short step
 * timed right after the collection measured the sweep as much as itself: `plan` at L took
 * 42 ms at once and 22 ms after 100 ms, with no change from 100 to 2000 ms (at twice L:
 * 93 and 47 ms). No command calpol runs is preceded by a forced collection, so the pause
 * removes a cost only the benchmark creates. It is not counted in any time.
 */
export const SETTLE_MS = 250;

const pauseCell = new Int32Array(new SharedArrayBuffer(4));

export function collectAndSettle(gc: (() => void) | undefined, pauseMs = SETTLE_MS): void {
  if (!gc) return;
  gc();
  // Blocks this thread only; V8's helper threads go on sweeping.
  Atomics.wait(pauseCell, 0, 0, pauseMs);
}
