import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../src/diag/index.js';

const seed = Number(process.env.CALPOL_PROPERTY_SEED ?? 20_261_123);

/** Line and column by counting, the definition LineIndex must agree with. */
function naive(text: string, offset: number): { line: number; column: number } {
  const clamped = Math.max(0, Math.min(offset, text.length));
  const before = text.slice(0, clamped);
  return { line: before.split('\n').length, column: clamped - (before.lastIndexOf('\n') + 1) + 1 };
}

describe('LineIndex (lines indexed as far as asked)', () => {
  it('gives the counted line and column for offsets asked in any order, and each line text (fast-check, seeded)', () => {
    const text = fc.array(fc.constantFrom('a', 'b', ' ', '\n', '\r\n', 'é'), { maxLength: 60 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.integer({ min: -2, max: 70 }), { maxLength: 12 }), (source, offsets) => {
        const index = new LineIndex(source);
        for (const offset of offsets) expect(index.position(offset), `${JSON.stringify(source)} @${offset}`).toEqual(naive(source, offset));
        const lines = source.split('\n');
        // Fresh and already indexed alike.
        for (const probe of [new LineIndex(source), index]) {
          lines.forEach((line, i) => expect(probe.lineText(i + 1)).toBe(line.replace(/\r$/, '')));
          expect(probe.lineText(lines.length + 1)).toBe('');
        }
      }),
      { seed, numRuns: 500 },
    );
  });
});
