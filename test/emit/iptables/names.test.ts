import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/emit/iptables/names.js';

/** What canonicalJson always meant: JSON.stringify with every object's keys re-inserted in sorted order. */
const reference = (value: unknown): string | undefined =>
  JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );

describe('canonicalJson', () => {
  const cases: [string, unknown][] = [
    ['a rule', { origin: { id: 'p:x', span: { line: 1, file: 'f', column: 2 } }, matches: [{ negate: false, kind: 'protocol', protocols: [6] }], actions: [{ kind: 'return' }] }],
    ['skipped and null values', { b: 1, a: [1, undefined, () => 1, null, Number.NaN, -0, 1e21], c: undefined, f: () => 1 }],
    ['escapes', { 'k"\n': 'x"\n\u2028é', é: 1, e: 2, E: 3 }],
    ['array-index keys first', { '10': 1, '9': 2, Z: 3, '01': 4, '4294967295': 5, '4294967294': 6 }],
    ['empty containers', [[], {}, [{}], { a: [] }]],
    ['primitives', ['s', 5, null, true]],
    ['toJSON and boxed values', { d: new Date(0), s: new String('ab'), n: new Number(3), t: { toJSON: () => ({ q: 1, a: 2 }) } }],
    ['holes', [, 1]], // eslint-disable-line no-sparse-arrays
  ];
  for (const [name, value] of cases) {
    it(`prints ${name} as the replacer form did`, () => expect(canonicalJson(value)).toBe(reference(value)));
  }
});
