import { readFileSync } from 'node:fs';
import { formatMs, type BenchReport } from './report.js';

/**
 * Markdown tables for docs/performance.md from saved reports, one column per report:
 *
 *   node dist/bench/table.js bench/results/S.json bench/results/M.json bench/results/L.json
 */

const cell = (report: BenchReport, step: string) => {
  const result = report.results[step];
  if (report.errors[step]) return `fails: ${report.errors[step]?.split(':')[0]}`;
  if (report.skipped[step]) return 'skipped';
  if (!result) return '-';
  return `${formatMs(result.median_ms)} (${formatMs(result.min_ms)}–${formatMs(result.max_ms)})`;
};

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

function timesTable(reports: readonly BenchReport[], steps: string[]): string[] {
  const header = reports.map((r) => `${r.size}: ${r.policies} policies, ${r.endpoints} endpoints`);
  return [row(['step (median, min–max)', ...header]), row(['---', ...reports.map(() => '---:')]), ...steps.map((step) => row([step, ...reports.map((r) => cell(r, step))]))];
}

function figuresTable(reports: readonly BenchReport[]): string[] {
  const num = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? 'n/a' : v.toLocaleString('en-US', { maximumFractionDigits: digits }));
  const emitted = (r: BenchReport, step: string) => {
    const c = r.emitted[step] as Record<string, number> | undefined;
    if (!c || c.rules === undefined) return r.errors[step] ? 'fails' : '-';
    return `${num(c.rules)} rules, ${num(c.sets)} sets / ${num(c.set_elements)} elements${c.bytes !== undefined ? `, ${(c.bytes / 1e6).toFixed(1)} MB` : ''}`;
  };
  const lines: [string, (r: BenchReport) => string][] = [
    ['I/O floor (yaml + serialize)', (r) => formatMs(r.floor_ms ?? undefined)],
    ['(load + plan + compile whole cluster) / floor', (r) => num(r.compile_to_floor_ratio, 2)],
    ['peak RSS (largest step)', (r) => (r.rss_mb === null ? 'n/a' : `${num(r.rss_mb)} MB`)],
    ['matrix verdicts per second', (r) => num(r.matrix_verdicts_per_s)],
    ['rules per packet: avg / max', (r) => (r.rules_per_packet ? `${num(r.rules_per_packet.avg, 1)} / ${r.rules_per_packet.max}` : 'n/a')],
    ['packets over the bound', (r) => (r.rules_per_packet ? `${r.rules_per_packet.over_bound} of ${r.rules_per_packet.packets}` : 'n/a')],
    ['emitted, one node (nft)', (r) => emitted(r, 'compile-node-nft')],
    ['emitted, one node (iptables)', (r) => emitted(r, 'compile-node-iptables')],
    ['emitted, whole cluster (nft)', (r) => emitted(r, 'compile-cluster-nft')],
    ['emitted, whole cluster (iptables)', (r) => emitted(r, 'compile-cluster-iptables')],
  ];
  return [row(['figure', ...reports.map((r) => r.size)]), row(['---', ...reports.map(() => '---:')]), ...lines.map(([name, value]) => row([name, ...reports.map(value)]))];
}

function scalingTable(reports: readonly BenchReport[], steps: string[]): string[] {
  const ratio = (r: BenchReport, step: string) => (r.scaling[step] !== undefined ? `${r.scaling[step]?.toFixed(2)}×` : r.errors[`${step} (x2)`] ? 'fails at 2×' : '-');
  return [row(['time at 2× / time at 1×', ...reports.map((r) => r.size)]), row(['---', ...reports.map(() => '---:')]), ...steps.map((step) => row([step, ...reports.map((r) => ratio(r, step))]))];
}

function budgetsTable(report: BenchReport): string[] {
  return [row([`budget (at ${report.size})`, 'measured', '']), row(['---', '---', '---']), ...report.budgets.map((b) => row([b.budget, b.value, b.status]))];
}

function main(files: string[]): void {
  const reports = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as BenchReport);
  const steps = [...new Set(reports.flatMap((r) => [...Object.keys(r.results), ...Object.keys(r.errors).filter((k) => !k.endsWith('(x2)')), ...Object.keys(r.skipped)]))];
  const order = ['load', 'plan', 'compile-node-nft', 'compile-cluster-nft', 'compile-node-iptables', 'compile-cluster-iptables', 'floor-yaml', 'floor-serialize', 'lint', 'explain-warm', 'explain-cold', 'matrix', 'rules-per-packet', 'nft-load', 'iptables-load'];
  const ordered = [...order.filter((s) => steps.includes(s)), ...steps.filter((s) => !order.includes(s))];
  const last = reports[reports.length - 1];
  const sections = [timesTable(reports, ordered), figuresTable(reports), scalingTable(reports, ordered), last ? budgetsTable(last) : []];
  process.stdout.write(sections.map((lines) => lines.join('\n')).join('\n\n') + '\n');
}

main(process.argv.slice(2));
