import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bitset } from '../../src/tiers/bitset.js';

/**
 * Bitset keeps small sets sparse and large ones dense; every operation must give the set
 * a plain Set gives, whichever forms its operands have.
 */

const SIZE = 300;
type Op = 'and' | 'or' | 'andNot';

// Sparse operands (under SIZE/32 = 9 members), dense ones, and the full set.
const members = fc.oneof(
  fc.array(fc.nat(SIZE - 1), { maxLength: 8 }),
  fc.array(fc.nat(SIZE - 1), { minLength: 10, maxLength: 250 }),
  fc.constant(Array.from({ length: SIZE }, (_, i) => i)),
);

function apply(op: Op, a: Set<number>, b: Set<number>): Set<number> {
  if (op === 'and') return new Set([...a].filter((x) => b.has(x)));
  if (op === 'or') return new Set([...a, ...b]);
  return new Set([...a].filter((x) => !b.has(x)));
}

describe('Bitset', () => {
  it('agrees with a plain Set on and, or, andNot, has, count, isEmpty and members, sparse or dense', () => {
    fc.assert(
      fc.property(members, members, members, fc.constantFrom<Op>('and', 'or', 'andNot'), fc.constantFrom<Op>('and', 'or', 'andNot'), (x, y, z, first, second) => {
        const [a, b, c] = [x, y, z].map((list) => Bitset.of(SIZE, list)) as [Bitset, Bitset, Bitset];
        const want = apply(second, apply(first, new Set(x), new Set(y)), new Set(z));
        const got = a[first](b)[second](c);
        expect([...got.members()]).toEqual([...want].sort((p, q) => p - q));
        expect([...got.memberArray()]).toEqual([...want].sort((p, q) => p - q));
        expect(got.count()).toBe(want.size);
        expect(got.isEmpty()).toBe(want.size === 0);
        for (let i = 0; i < SIZE; i++) expect(got.has(i)).toBe(want.has(i));
      }),
      { seed: 20261123, numRuns: 500 },
    );
  });

  it('full and empty, and the complement through andNot', () => {
    const full = Bitset.full(70);
    expect(full.count()).toBe(70);
    expect(full.has(69)).toBe(true);
    expect(full.has(70)).toBe(false);
    expect(Bitset.empty(70).isEmpty()).toBe(true);
    expect([...full.andNot(Bitset.of(70, [3, 1, 3])).members()].length).toBe(68);
    expect([...Bitset.of(70, [5, 2, 5, 2]).members()]).toEqual([2, 5]);
  });
});
