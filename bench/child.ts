import { wantsAnotherRun } from './runs.js';
import { collectAndSettle } from './settle.js';
import { stepNamed } from './steps/index.js';
import { readSources } from './steps/types.js';

/**
 * Runs one measured step in its own process, so its peak RSS (`maxRSS`) is that step's
 * alone: setup (loading the cluster and whatever the step needs) and the timed runs (RUNS
 * at least; more for a short step, see runs.ts).
 * Prints one JSON line: {step, times_ms, setup_ms, rss_mb, extras} or {step, skipped}.
 *
 *   node --expose-gc dist/bench/child.js STEP DIR NODE RUNS SEED
 */

export interface ChildResult {
  step: string;
  skipped?: string;
  /** The step failed (after `times_ms.length` runs): the error, as thrown. */
  error?: string;
  times_ms?: number[];
  /** CPU time (user + system, all threads of this process) of each run: less sensitive than wall time to other load on the machine. */
  cpu_ms?: number[];
  setup_ms?: number;
  /** Peak resident set of this process after setup and the first run — what one command doing this needs (null when the work runs in spawned processes). */
  rss_mb?: number | null;
  /** The same after every run (V8 keeps some of the earlier runs' heap). */
  rss_all_runs_mb?: number | null;
  extras?: Record<string, unknown>;
}

interface Running {
  times_ms: number[];
  cpu_ms: number[];
  extras?: () => Record<string, unknown>;
}

function measure(name: string, dir: string, node: string, runs: number, seed: number, running: Running): ChildResult {
  const step = stepNamed(name);
  const setupStart = performance.now();
  const prepared = step.prepare({ dir, sources: readSources(dir), node, seed });
  if (typeof prepared === 'string') return { step: name, skipped: prepared };
  const setup_ms = performance.now() - setupStart;
  if (prepared.extras) running.extras = prepared.extras;
  const gc = (globalThis as { gc?: () => void }).gc;
  let firstRunRss: number | undefined;
  const elapsed: number[] = [];
  while (wantsAnotherRun(elapsed, runs)) {
    collectAndSettle(gc);
    const cpu = process.cpuUsage();
    const start = performance.now();
    prepared.run();
    const ms = performance.now() - start;
    elapsed.push(ms);
    running.times_ms.push(ms / (prepared.divisor ?? 1));
    const used = process.cpuUsage(cpu);
    running.cpu_ms.push((used.user + used.system) / 1000 / (prepared.divisor ?? 1));
    prepared.afterRun?.();
    firstRunRss ??= process.resourceUsage().maxRSS / 1024;
  }
  // Steps whose work runs in spawned processes: neither this process's RSS nor its CPU time says anything.
  const own = !step.spawns;
  const result: ChildResult = {
    step: name,
    times_ms: running.times_ms,
    setup_ms,
    rss_mb: own ? (firstRunRss ?? null) : null,
    rss_all_runs_mb: own ? process.resourceUsage().maxRSS / 1024 : null,
    extras: prepared.extras?.() ?? {},
  };
  if (own) result.cpu_ms = running.cpu_ms;
  return result;
}

function main([name, dir, node, runs, seed]: string[]): ChildResult {
  if (!name || !dir || !node) throw new Error('usage: child.js STEP DIR NODE RUNS SEED');
  const running: Running = { times_ms: [], cpu_ms: [] };
  try {
    return measure(name, dir, node, Number(runs ?? '3'), Number(seed ?? '1'), running);
  } catch (error) {
    // A step that fails (a bug, a limit) is a result too: say what failed, keep what was measured.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    let extras: Record<string, unknown> = {};
    try {
      extras = running.extras?.() ?? {};
    } catch {
      // nothing more to report
    }
    return { step: name, error: message.slice(0, 500), times_ms: running.times_ms, rss_mb: process.resourceUsage().maxRSS / 1024, extras };
  }
}

process.stdout.write(JSON.stringify(main(process.argv.slice(2))) + '\n');
