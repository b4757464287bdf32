import { describe, expect, it } from 'vitest';
import { MAX_RUNS, wantsAnotherRun } from '../../bench/runs.js';

/** The runs a step would get if every run took `ms`. */
function runsFor(ms: number, minimum: number): number {
  const elapsed: number[] = [];
  while (wantsAnotherRun(elapsed, minimum)) elapsed.push(ms);
  return elapsed.length;
}

describe('how many timed runs a step gets', () => {
  it('at least --runs, however long a run takes', () => {
    expect(runsFor(5000, 3)).toBe(3);
    expect(runsFor(400, 5)).toBe(5);
  });

  it('a short step gets more runs, until they add up to two seconds', () => {
    expect(runsFor(90, 3)).toBe(23);
    expect(runsFor(300, 3)).toBe(7);
    expect(runsFor(700, 3)).toBe(3);
  });

  it('never more than the cap', () => {
    expect(runsFor(0.1, 3)).toBe(MAX_RUNS);
    expect(runsFor(0.1, 40)).toBe(40);
  });
});
