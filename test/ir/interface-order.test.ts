import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortByInterfaceName } from '../../src/ir/interface-order.js';

interface Entry {
  interface: string;
  position: number;
}

/** The order the packed sort must give: a stable sort comparing the strings with `<`. */
function reference(entries: readonly Entry[]): Entry[] {
  return [...entries].sort((a, b) => (a.interface < b.interface ? -1 : a.interface > b.interface ? 1 : 0));
}

const entriesOf = (names: readonly string[]): Entry[] => names.map((name, position) => ({ interface: name, position }));
const sorted = (entries: readonly Entry[]) => sortByInterfaceName(entries, (entry) => entry.interface);

/** Names from a small alphabet, so prefixes of each other and duplicates are common. */
const interfaceName = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', '-', '.', '_', '0', '9', 'z'), minLength: 0, maxLength: 15 });

describe('sortByInterfaceName', () => {
  it('orders as a stable sort by string < does, for names that fit in the packed key', () => {
    fc.assert(
      fc.property(fc.array(interfaceName, { maxLength: 60 }), (names) => {
        const entries = entriesOf(names);
        expect(sorted(entries)).toEqual(reference(entries));
      }),
      { numRuns: 500 },
    );
  });

  // Each generator exercises one edge of the packing with names short enough to be packed
  // (unless the edge itself forces the fallback): the last 8-bit values, NUL against the
  // padding, characters above 255, names that agree on their first 15 characters.
  const over = (characters: string[], maxLength = 15) => fc.string({ unit: fc.constantFrom(...characters), maxLength });
  const edges: [string, fc.Arbitrary<string>][] = [
    ['0xfe and 0xff', over(['a', 'b', '\u0001', '\u00fe', '\u00ff'])],
    ['NUL', over(['a', '\u0000', '\u0001'])],
    ['256', over(['a', 'b', '\u00ff', '\u0100'])],
    ['a surrogate pair', over(['a', 'b', '\u{1F600}'])],
    ['more than 15 characters', over(['a', 'b'], 4).map((tail) => `cali0123456789a${tail}`)],
  ];
  for (const [edge, name] of edges) {
    it(`orders names with ${edge} as string < does`, () => {
      fc.assert(
        fc.property(fc.array(name, { maxLength: 30 }), (names) => {
          const entries = entriesOf(names);
          expect(sorted(entries)).toEqual(reference(entries));
        }),
        { numRuns: 400 },
      );
    });
  }

  it('tells apart names that differ only in their last packed character and keeps equal names in input order', () => {
    const names = ['cali0123456789b', 'cali0123456789a', 'cali012345678', 'cali0123456789a', 'cali01234567890', 'cali'];
    expect(sorted(entriesOf(names)).map((entry) => entry.position)).toEqual([5, 2, 4, 1, 3, 0]);
  });

  it('leaves its input alone and returns an empty list for none', () => {
    const entries = entriesOf(['b', 'a']);
    sorted(entries);
    expect(entries.map((entry) => entry.interface)).toEqual(['b', 'a']);
    expect(sorted([])).toEqual([]);
  });
});
