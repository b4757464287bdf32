import { describe, expect, it } from 'vitest';
import type { ChildResult } from '../../bench/child.js';
import { measurePaired, type PairSize } from '../../bench/paired.js';

interface Call {
  step: string;
  size: PairSize;
  skip: string | undefined;
}

/** Runs measurePaired with a fake measurement: `failing` lists "step@size" that fail; returns the calls in order. */
function pairedRun(steps: string[], requires: Record<string, string>, withDoubled: boolean, failing: string[] = []) {
  const calls: Call[] = [];
  const result = measurePaired(steps, (step) => requires[step], withDoubled, (step, _index, size, skip) => {
    calls.push({ step, size, skip });
    if (skip !== undefined) return { step, skipped: skip };
    const outcome: ChildResult = { step, times_ms: [1] };
    return failing.includes(`${step}@${size}`) ? { ...outcome, error: 'boom' } : outcome;
  });
  return { calls, result };
}

describe('measurePaired', () => {
  it('runs each step at the size and right after at twice it, in step order', () => {
    const { calls, result } = pairedRun(['load', 'plan', 'lint'], {}, true);
    expect(calls.map((call) => `${call.step}@${call.size}`)).toEqual(['load@base', 'load@doubled', 'plan@base', 'plan@doubled', 'lint@base', 'lint@doubled']);
    expect(calls.every((call) => call.skip === undefined)).toBe(true);
    expect(result.base.map((r) => r.step)).toEqual(['load', 'plan', 'lint']);
    expect(result.doubled.map((r) => r.step)).toEqual(['load', 'plan', 'lint']);
  });

  it('without scaling runs each step once', () => {
    const { calls, result } = pairedRun(['load', 'plan'], {}, false);
    expect(calls.map((call) => `${call.step}@${call.size}`)).toEqual(['load@base', 'plan@base']);
    expect(result.doubled).toEqual([]);
  });

  it('does not run at twice the size what failed at the size, and skips what requires a failed step at that size', () => {
    const requires = { 'floor-serialize': 'compile-cluster-nft' };
    const steps = ['compile-cluster-nft', 'floor-serialize', 'lint'];
    const atBase = pairedRun(steps, requires, true, ['compile-cluster-nft@base']).calls;
    expect(atBase.find((c) => c.step === 'compile-cluster-nft' && c.size === 'doubled')?.skip).toMatch(/smaller size/);
    expect(atBase.find((c) => c.step === 'floor-serialize' && c.size === 'base')?.skip).toMatch(/compile-cluster-nft failed/);
    expect(atBase.find((c) => c.step === 'floor-serialize' && c.size === 'doubled')?.skip).toMatch(/smaller size/);
    expect(atBase.filter((c) => c.step === 'lint').map((c) => c.skip)).toEqual([undefined, undefined]);

    const atDoubled = pairedRun(steps, requires, true, ['compile-cluster-nft@doubled']).calls;
    expect(atDoubled.find((c) => c.step === 'floor-serialize' && c.size === 'base')?.skip).toBeUndefined();
    expect(atDoubled.find((c) => c.step === 'floor-serialize' && c.size === 'doubled')?.skip).toMatch(/compile-cluster-nft failed/);
  });
});
