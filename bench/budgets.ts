/**
 * The performance budgets (set for size L on a 2-core machine). A benchmark reports; it
 * does not fail: each budget is PASS, MISS, or n/a when its number could not be measured.
 */

export interface BenchSummary {
  size: string;
  results: Record<string, { median_ms: number; min_ms: number; max_ms: number; cpu_median_ms?: number }>;
  compile_to_floor_ratio: number | null;
  rss_mb: number | null;
  matrix_verdicts_per_s: number | null;
  rules_per_packet: { avg: number; max: number; over_bound: number; packets: number } | null;
  scaling: Record<string, number>;
  /** Steps that failed (`<step>` or `<step> (x2)`), with the error. */
  errors: Record<string, string>;
}

export interface BudgetCheck {
  budget: string;
  value: string;
  status: 'PASS' | 'MISS' | 'n/a';
}

/**
 * Not calpol's own work (the yaml package, JSON.stringify, the kernel): their time ratios
 * and memory are reported, not budgeted (the floor's input half holds the `yaml` package's
 * tree of every file; its output half holds the whole emitted document, which calpol
 * itself streams).
 */
export const NOT_CALPOL_STEPS: ReadonlySet<string> = new Set(['floor-yaml', 'floor-serialize', 'nft-load', 'iptables-load']);

const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`);

function check(budget: string, value: number | null | undefined, ok: (v: number) => boolean, show: (v: number) => string, failure?: string): BudgetCheck {
  // A step that cannot produce its output at all misses its budget.
  if (failure !== undefined) return { budget, value: `fails: ${failure}`, status: 'MISS' };
  if (value === null || value === undefined || Number.isNaN(value)) return { budget, value: 'not measured', status: 'n/a' };
  return { budget, value: show(value), status: ok(value) ? 'PASS' : 'MISS' };
}

export function checkBudgets(summary: BenchSummary): BudgetCheck[] {
  const median = (name: string) => summary.results[name]?.median_ms;
  const failed = (...names: string[]) => names.map((name) => summary.errors[name]).find((error) => error !== undefined);
  const failedAtDouble = Object.keys(summary.errors).filter((name) => name.endsWith(' (x2)') && !NOT_CALPOL_STEPS.has(name.replace(' (x2)', '')));
  const scalingEntries = Object.entries(summary.scaling).filter(([name]) => !NOT_CALPOL_STEPS.has(name));
  const worstScaling = scalingEntries.reduce<[string, number] | undefined>((worst, entry) => (!worst || entry[1] > worst[1] ? entry : worst), undefined);
  const packets = summary.rules_per_packet;
  return [
    check('per-node compile (nft) ≤ 1.5 s', median('compile-node-nft'), (v) => v <= 1500, ms, failed('compile-node-nft')),
    check('per-node compile (iptables) ≤ 1.5 s', median('compile-node-iptables'), (v) => v <= 1500, ms, failed('compile-node-iptables')),
    check('peak RSS ≤ 1 GiB', summary.rss_mb, (v) => v <= 1024, (v) => `${v.toFixed(0)} MB`),
    check('load+plan+compile (whole cluster, nft) ≤ 2× floor', summary.compile_to_floor_ratio, (v) => v <= 2, (v) => `${v.toFixed(2)}×`, failed('load', 'plan', 'compile-cluster-nft')),
    check('explain cold ≤ 2 s', median('explain-cold'), (v) => v <= 2000, ms, failed('explain-cold')),
    check('matrix ≥ 1M verdicts/s', summary.matrix_verdicts_per_s, (v) => v >= 1e6, (v) => `${(v / 1e6).toFixed(2)}M/s`, failed('matrix')),
    check(
      "doubling the input ≤ 2.1× time (every calpol step)",
      worstScaling?.[1],
      (v) => v <= 2.1 && failedAtDouble.length === 0,
      (v) => `worst ${v.toFixed(2)}× (${worstScaling?.[0]})${failedAtDouble.length > 0 ? `; fails at 2×: ${failedAtDouble.map((n) => n.replace(' (x2)', '')).join(', ')}` : ''}`,
    ),
    check(
      'rules per packet ≤ rules of the selecting policies + constant',
      packets?.over_bound,
      (v) => v === 0,
      (v) => `${v} of ${packets?.packets} packets over the bound (avg ${packets?.avg.toFixed(1)}, max ${packets?.max})`,
    ),
  ];
}
