import { checkBudgets, NOT_CALPOL_STEPS, type BenchSummary, type BudgetCheck } from './budgets.js';
import type { ChildResult } from './child.js';

/** Everything one `npm run bench` measured; `--json` prints it (the first keys are the documented ones). */
export interface BenchReport extends BenchSummary {
  policies: number | null;
  endpoints: number | null;
  /** Endpoints of the cluster twice the size (the x of `results_x2`). */
  endpoints_x2: number | null;
  floor_ms: number | null;
  /** The same ratios from CPU time (less disturbed by other load on the machine). */
  scaling_cpu: Record<string, number>;
  /** Per step at twice the size (the other half of `scaling`). */
  results_x2: BenchSummary['results'];
  rss_mb_by_step: Record<string, number | null>;
  emitted: Record<string, Record<string, unknown>>;
  details: Record<string, Record<string, unknown>>;
  skipped: Record<string, string>;
  budgets: BudgetCheck[];
  meta: { date: string; commit: string; runs: number; seed: number; node: string; cpus: number; node_version: string; load_average: number[] };
}

export interface StepStats {
  median_ms: number;
  min_ms: number;
  max_ms: number;
  /** Median CPU time of a run (absent for steps whose work runs in spawned processes). */
  cpu_median_ms?: number;
}

export function stats(times: readonly number[]): StepStats {
  const sorted = [...times].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median_ms: round(median), min_ms: round(sorted[0] as number), max_ms: round(sorted[sorted.length - 1] as number) };
}

export const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

const EMITTED = ['compile-node-nft', 'compile-cluster-nft', 'compile-node-iptables', 'compile-cluster-iptables'];

function timed(results: readonly ChildResult[]): BenchSummary['results'] {
  const out: BenchSummary['results'] = {};
  for (const result of results) {
    if (result.error || !result.times_ms || result.times_ms.length === 0) continue;
    const entry: StepStats = stats(result.times_ms);
    if (result.cpu_ms && result.cpu_ms.length > 0) entry.cpu_median_ms = stats(result.cpu_ms).median_ms;
    out[result.step] = entry;
  }
  return out;
}

/** The report from the children's results at the size (`base`) and at twice the size (`doubled`). */
export function buildReport(size: string, base: readonly ChildResult[], doubled: readonly ChildResult[], meta: BenchReport['meta']): BenchReport {
  const byStep = new Map(base.map((result) => [result.step, result]));
  const results = timed(base);
  const results_x2 = timed(doubled);
  const median = (name: string) => results[name]?.median_ms;
  const extras = (name: string) => byStep.get(name)?.extras ?? {};
  const floorParts = [median('floor-yaml'), median('floor-serialize')];
  const floor = floorParts.every((v) => v !== undefined) ? round((floorParts as number[]).reduce((a, b) => a + b, 0)) : undefined;
  const compile = ['load', 'plan', 'compile-cluster-nft'].map(median);
  const ratio = floor && compile.every((v) => v !== undefined) ? round((compile as number[]).reduce((a, b) => a + b, 0) / floor) : null;
  const scaling: Record<string, number> = {};
  for (const [name, value] of Object.entries(results_x2)) if (results[name]) scaling[name] = round(value.median_ms / (results[name] as { median_ms: number }).median_ms);
  const scalingCpu: Record<string, number> = {};
  for (const [name, value] of Object.entries(results_x2)) {
    const cpu = results[name]?.cpu_median_ms;
    if (cpu && value.cpu_median_ms !== undefined) scalingCpu[name] = round(value.cpu_median_ms / cpu);
  }
  const rssByStep = Object.fromEntries(base.filter((r) => !r.skipped).map((r) => [r.step, r.rss_mb === null || r.rss_mb === undefined ? null : round(r.rss_mb, 1)]));
  // The budget is calpol's memory: the floor's and the kernel's are listed per step only.
  const rssValues = Object.entries(rssByStep)
    .filter(([step]) => !NOT_CALPOL_STEPS.has(step))
    .map(([, value]) => value)
    .filter((v): v is number => v !== null);
  const verdicts = extras('matrix').verdicts as number | undefined;
  const packets = extras('rules-per-packet') as { avg?: number; max?: number; over_bound?: number; packets?: number };
  const summary: BenchSummary = {
    size,
    results,
    compile_to_floor_ratio: ratio,
    rss_mb: rssValues.length > 0 ? Math.max(...rssValues) : null,
    matrix_verdicts_per_s: verdicts && median('matrix') ? Math.round(verdicts / ((median('matrix') as number) / 1000)) : null,
    rules_per_packet: packets.avg === undefined ? null : { avg: round(packets.avg, 2), max: packets.max ?? 0, over_bound: packets.over_bound ?? 0, packets: packets.packets ?? 0 },
    scaling,
    errors: {},
  };
  const load = extras('load');
  const errors = Object.fromEntries([...base, ...doubled.map((r) => ({ ...r, step: `${r.step} (x2)` }))].filter((r) => r.error).map((r) => [r.step, r.error as string]));
  summary.errors = errors;
  return {
    size,
    policies: (load.policies as number | undefined) ?? null,
    endpoints: (load.endpoints as number | undefined) ?? null,
    endpoints_x2: (doubled.find((r) => r.step === 'load')?.extras?.endpoints as number | undefined) ?? null,
    results,
    floor_ms: floor ?? null,
    compile_to_floor_ratio: summary.compile_to_floor_ratio,
    rss_mb: summary.rss_mb,
    matrix_verdicts_per_s: summary.matrix_verdicts_per_s,
    rules_per_packet: summary.rules_per_packet,
    scaling,
    scaling_cpu: scalingCpu,
    results_x2,
    rss_mb_by_step: rssByStep,
    emitted: Object.fromEntries(EMITTED.filter((name) => byStep.has(name)).map((name) => [name, extras(name)])),
    details: Object.fromEntries(
      base.map((r) => [
        r.step,
        {
          ...(r.extras ?? {}),
          ...(r.setup_ms !== undefined ? { setup_ms: round(r.setup_ms, 1) } : {}),
          ...(typeof r.rss_all_runs_mb === 'number' ? { rss_all_runs_mb: round(r.rss_all_runs_mb, 1) } : {}),
        },
      ]),
    ),
    errors,
    skipped: Object.fromEntries(base.filter((r) => r.skipped).map((r) => [r.step, r.skipped as string])),
    budgets: checkBudgets(summary),
    meta,
  };
}

const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));
const padLeft = (text: string, width: number) => (text.length >= width ? text : ' '.repeat(width - text.length) + text);

export function formatMs(value: number | undefined): string {
  if (value === undefined) return '-';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 10) return `${value.toFixed(0)} ms`;
  return `${value.toFixed(value >= 1 ? 1 : 3)} ms`;
}

function stepRows(report: BenchReport, order: readonly string[]): string[] {
  const lines = [`${pad('step', 26)}${padLeft('median', 10)}${padLeft('min', 10)}${padLeft('max', 10)}${padLeft('CPU', 10)}${padLeft('×2 time', 9)}${padLeft('peak RSS', 10)}`];
  for (const name of order) {
    const result = report.results[name];
    const rss = report.rss_mb_by_step[name];
    const tail = report.errors[name] ? `  FAILED: ${report.errors[name]}` : report.skipped[name] ? `  skipped: ${report.skipped[name]}` : '';
    const ratio = report.scaling[name] !== undefined ? `${report.scaling[name]?.toFixed(2)}×` : report.errors[`${name} (x2)`] ? 'failed' : '-';
    lines.push(
      `${pad(name, 26)}${padLeft(formatMs(result?.median_ms), 10)}${padLeft(formatMs(result?.min_ms), 10)}${padLeft(formatMs(result?.max_ms), 10)}${padLeft(formatMs(result?.cpu_median_ms), 10)}${padLeft(ratio, 9)}${padLeft(rss === null || rss === undefined ? '-' : `${rss.toFixed(0)} MB`, 10)}${tail}`,
    );
  }
  return lines;
}

function emittedLines(report: BenchReport): string[] {
  return Object.entries(report.emitted).map(([name, counts]) => {
    const c = counts as Record<string, number | undefined>;
    const size = c.bytes === undefined ? '' : `, ${(c.bytes / 1e6).toFixed(1)} MB`;
    return `  ${pad(name, 26)}${c.rules ?? '-'} rules, ${c.sets ?? '-'} sets (${c.set_elements ?? '-'} elements)${c.chains !== undefined ? `, ${c.chains} chains` : ''}${size}`;
  });
}

/** The human-readable report (the default output). */
export function formatTable(report: BenchReport, order: readonly string[], descriptions: Record<string, string>): string {
  const m = report.meta;
  const packets = report.details['rules-per-packet'] ?? {};
  const lines = [
    `calpol bench: size ${report.size}, ${report.policies ?? '?'} policies, ${report.endpoints ?? '?'} endpoints; ${m.runs} runs, seed ${m.seed}, node ${m.node}`,
    `${m.date}, commit ${m.commit}, ${m.cpus} CPUs, node ${m.node_version}, load average ${m.load_average.map((v) => v.toFixed(1)).join(' ')} (start, end)`,
    '',
    ...stepRows(report, order),
    '',
    `floor ${formatMs(report.floor_ms ?? undefined)} (floor-yaml + floor-serialize); (load + plan + compile-cluster-nft) / floor = ${report.compile_to_floor_ratio ?? 'n/a'}`,
    `matrix: ${report.matrix_verdicts_per_s?.toLocaleString('en-US') ?? 'n/a'} verdicts/s (${(report.details.matrix?.verdicts as number | undefined)?.toLocaleString('en-US') ?? '?'} verdicts)`,
    `rules per packet: avg ${report.rules_per_packet?.avg ?? '?'}, max ${report.rules_per_packet?.max ?? '?'}; bound avg ${(packets.avg_bound as number | undefined)?.toFixed(1) ?? '?'}, ${packets.over_bound ?? '?'} of ${packets.packets ?? '?'} packets over it`,
    'emitted:',
    ...emittedLines(report),
    '',
    'budgets (set for size L):',
    ...report.budgets.map((b) => `  ${pad(b.status, 5)} ${pad(b.budget, 62)} ${b.value}`),
    '',
    'steps:',
    ...order.map((name) => `  ${pad(name, 26)}${descriptions[name] ?? ''}`),
  ];
  return lines.join('\n') + '\n';
}
