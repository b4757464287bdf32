import { describe, expect, it } from 'vitest';
import { plotSvg } from '../../bench/plot.js';
import type { BenchReport } from '../../bench/report.js';

const timing = (median_ms: number) => ({ median_ms, min_ms: median_ms, max_ms: median_ms });

function report(endpoints: number, scale: number): BenchReport {
  return {
    endpoints,
    endpoints_x2: endpoints * 2,
    results: { load: timing(100 * scale), lint: timing(150 * scale), 'floor-yaml': timing(300 * scale), 'floor-serialize': timing(20 * scale) },
    results_x2: { load: timing(210 * scale), lint: timing(300 * scale) },
  } as unknown as BenchReport;
}

describe('the performance plot', () => {
  it('draws one line per measured step through its points, in order of size, with a legend', () => {
    const svg = plotSvg([report(10_000, 10), report(1_000, 1)], 'title <&>');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('title &lt;&amp;>');
    // load: 4 points (two reports × size and twice the size); floor: 2 (no doubled floor here).
    const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => (m[1] as string).split(' ').length);
    expect(paths).toEqual([4, 2, 4]);
    for (const legend of ['load (parse + validate + normalize)', 'I/O floor (YAML parse + serialize)', 'lint']) expect(svg).toContain(`>${legend}</text>`);
    expect(svg).not.toContain('compile one node');
    // Larger clusters are further right: x grows along each path.
    const load = /<path d="([^"]+)"/.exec(svg)?.[1] as string;
    const xs = load.split(' ').map((point) => Number(point.slice(1).split(',')[0]));
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
  });
});
