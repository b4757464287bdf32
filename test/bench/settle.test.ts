import { describe, expect, it } from 'vitest';
import { collectAndSettle } from '../../bench/settle.js';

describe('collectAndSettle', () => {
  it('collects, then pauses for the time given before returning', () => {
    let collections = 0;
    const start = performance.now();
    collectAndSettle(() => collections++, 30);
    expect(collections).toBe(1);
    expect(performance.now() - start).toBeGreaterThanOrEqual(29);
  });

  it('does nothing without a gc function (node run without --expose-gc)', () => {
    const start = performance.now();
    collectAndSettle(undefined, 500);
    expect(performance.now() - start).toBeLessThan(250);
  });
});
