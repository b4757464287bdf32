import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BenchReport } from './report.js';

/**
 * docs/performance.svg: median time against cluster size (endpoints, both axes log) for
 * the main steps, from saved reports (`npm run bench -- --size M --save FILE`). Each
 * report gives two points: its size and twice its size (the scaling run).
 *
 *   node dist/bench/plot.js bench/results/S.json bench/results/M.json bench/results/L.json --out docs/performance.svg
 */

const SERIES: { step: string; label: string; color: string }[] = [
  { step: 'load', label: 'load (parse + validate + normalize)', color: '#1f77b4' },
  { step: 'compile-node-nft', label: 'compile one node (nft)', color: '#d62728' },
  { step: 'compile-cluster-nft', label: 'compile whole cluster (nft)', color: '#ff7f0e' },
  { step: 'floor', label: 'I/O floor (YAML parse + serialize)', color: '#7f7f7f' },
  { step: 'lint', label: 'lint', color: '#2ca02c' },
  { step: 'explain-cold', label: 'explain (new process)', color: '#9467bd' },
  { step: 'plan', label: 'plan', color: '#8c564b' },
];

const WIDTH = 760;
const HEIGHT = 460;
const MARGIN = { left: 70, right: 250, top: 40, bottom: 50 };

type Point = [endpoints: number, ms: number];

function median(report: BenchReport, step: string, doubled: boolean): number | undefined {
  const results = doubled ? report.results_x2 : report.results;
  if (step !== 'floor') return results[step]?.median_ms;
  const parts = [results['floor-yaml']?.median_ms, results['floor-serialize']?.median_ms];
  return parts.every((v) => v !== undefined) ? (parts as number[]).reduce((a, b) => a + b, 0) : undefined;
}

function seriesPoints(reports: readonly BenchReport[], step: string): Point[] {
  const points: Point[] = [];
  for (const report of reports) {
    const base = median(report, step, false);
    if (report.endpoints !== null && base !== undefined) points.push([report.endpoints, base]);
    const doubled = median(report, step, true);
    if (report.endpoints_x2 !== null && doubled !== undefined) points.push([report.endpoints_x2, doubled]);
  }
  return points.sort((a, b) => a[0] - b[0]);
}

const decades = (min: number, max: number) => {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) out.push(10 ** e);
  return out;
};

function scale(min: number, max: number, from: number, to: number): (v: number) => number {
  const [lo, hi] = [Math.log10(min), Math.log10(max)];
  return (v) => from + ((Math.log10(v) - lo) / (hi - lo)) * (to - from);
}

const label = (ms: number) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);
const count = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function axes(xTicks: number[], yTicks: number[], x: (v: number) => number, y: (v: number) => number): string[] {
  const [left, right, top, bottom] = [MARGIN.left, WIDTH - MARGIN.right, MARGIN.top, HEIGHT - MARGIN.bottom];
  const out = [`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#333"/>`];
  for (const t of yTicks) {
    out.push(`<line x1="${left}" x2="${right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${label(t)}</text>`);
  }
  for (const t of xTicks) {
    out.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${top}" y2="${bottom}" stroke="#ddd"/>`);
    out.push(`<text x="${x(t).toFixed(1)}" y="${bottom + 18}" text-anchor="middle">${count(t)}</text>`);
  }
  out.push(`<text x="${(left + right) / 2}" y="${HEIGHT - 12}" text-anchor="middle">endpoints (pods + host endpoints), log scale</text>`);
  out.push(`<text transform="translate(16 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle">median time, log scale</text>`);
  return out;
}

export function plotSvg(reports: readonly BenchReport[], title: string): string {
  const series = SERIES.map((s) => ({ ...s, points: seriesPoints(reports, s.step) })).filter((s) => s.points.length > 0);
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) throw new Error('no data points in these reports');
  // Each axis runs from the decade below its smallest value to a little past its largest,
  // with a tick at every decade in between (not to the next decade: that could waste half the plot).
  const domain = (values: number[]): [number, number] => [10 ** Math.floor(Math.log10(Math.min(...values))), Math.max(...values) * 1.2];
  const [xMin, xMax] = domain(all.map((p) => p[0]));
  const [yMin, yMax] = domain(all.map((p) => p[1]));
  const xTicks = decades(xMin, xMax).filter((t) => t <= xMax);
  const yTicks = decades(yMin, yMax).filter((t) => t <= yMax);
  const x = scale(xMin, xMax, MARGIN.left, WIDTH - MARGIN.right);
  const y = scale(yMin, yMax, HEIGHT - MARGIN.bottom, MARGIN.top);
  const body = axes(xTicks, yTicks, x, y);
  series.forEach((s, index) => {
    const path = s.points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ');
    body.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const [px, py] of s.points) body.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3" fill="${s.color}"/>`);
    const ly = MARGIN.top + 10 + index * 20;
    body.push(`<line x1="${WIDTH - MARGIN.right + 16}" x2="${WIDTH - MARGIN.right + 36}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`);
    body.push(`<text x="${WIDTH - MARGIN.right + 42}" y="${ly + 4}">${escape(s.label)}</text>`);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="24" font-size="14" font-weight="bold">${escape(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function main(args: string[]): void {
  const files: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') out = args[++i];
    else files.push(args[i] as string);
  }
  const reports = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as BenchReport);
  const first = reports[0]?.meta;
  const title = `calpol: time against cluster size${first ? ` (${first.cpus} CPUs, ${first.date.slice(0, 10)}, commit ${first.commit.split(' ')[0]})` : ''}`;
  const svg = plotSvg(reports, title);
  if (out) writeFileSync(out, svg);
  else process.stdout.write(svg);
}

// Run as a program (not when a test imports plotSvg).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
