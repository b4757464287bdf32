import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalString, matches, parseSelector, type SelectorNode, type SourceRange } from '../../src/selector/index.js';
import { Bitset, MembershipIndex } from '../../src/tiers/index.js';

const seed = Number(process.env.CALPOL_PROPERTY_SEED ?? 20_261_123);
const noRange: SourceRange = { offset: 0, length: 0 };
const labelName = fc.constantFrom('app', 'tier', 'env', 'projectcalico.org/namespace');
const labelValue = fc.constantFrom('', 'web', 'db', 'prod', 'dev', 'web-1');

const leaf: fc.Arbitrary<SelectorNode> = fc.oneof(
  fc.constant<SelectorNode>({ kind: 'all', range: noRange }),
  labelName.map((label): SelectorNode => ({ kind: 'has', label, range: noRange })),
  fc
    .tuple(fc.constantFrom('eq', 'ne', 'contains', 'startsWith', 'endsWith' as const), labelName, labelValue)
    .map(([kind, label, value]): SelectorNode => ({ kind, label, value, range: noRange })),
  fc
    .tuple(fc.constantFrom('in', 'notIn' as const), labelName, fc.uniqueArray(labelValue, { maxLength: 3 }))
    .map(([kind, label, values]): SelectorNode => ({ kind, label, values: [...values].sort(), range: noRange })),
);

const { node: tree } = fc.letrec<{ node: SelectorNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    leaf,
    tie('node').map((operand): SelectorNode => ({ kind: 'not', operand, range: noRange })),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((operands): SelectorNode => ({ kind: 'and', operands, range: noRange })),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((operands): SelectorNode => ({ kind: 'or', operands, range: noRange })),
  ),
}));

const labels = fc.dictionary(labelName, labelValue, { maxKeys: 4 });

describe('selector membership index', () => {
  it('selects exactly the items matches() accepts (fast-check, seeded)', () => {
    fc.assert(
      fc.property(fc.array(labels, { maxLength: 70 }), tree, (items, node) => {
        const parsed = parseSelector(canonicalString(node));
        if (!parsed.ok) throw new Error(`generated selector does not parse: ${canonicalString(node)}`);
        const index = new MembershipIndex(items.map((l) => ({ labels: l })));
        const members = index.members(parsed.selector);
        items.forEach((item, i) => expect(members.has(i), JSON.stringify({ item, selector: parsed.selector.canonical })).toBe(matches(parsed.selector, item)));
      }),
      { seed, numRuns: 300, verbose: true },
    );
  });

  it('narrowed `and`s (a sparse running set, the rest tested per member) select what matches() accepts (fast-check, seeded)', () => {
    // Hundreds of items, so a conjunction of equalities is sparse (< 1 in 32) and the
    // remaining operands are tested on members' labels rather than evaluated as sets.
    const conjunction = fc.array(tree, { minLength: 2, maxLength: 4 }).map((operands): SelectorNode => ({ kind: 'and', operands, range: noRange }));
    const equality = fc.tuple(labelName, labelValue).map(([label, value]): SelectorNode => ({ kind: 'eq', label, value, range: noRange }));
    const narrowing = fc
      .tuple(equality, equality, equality, conjunction)
      .map((operands): SelectorNode => ({ kind: 'and', operands, range: noRange }));
    fc.assert(
      fc.property(fc.array(labels, { minLength: 200, maxLength: 400 }), narrowing, (items, node) => {
        const parsed = parseSelector(canonicalString(node));
        if (!parsed.ok) throw new Error(`generated selector does not parse: ${canonicalString(node)}`);
        const index = new MembershipIndex(items.map((l) => ({ labels: l })));
        const members = index.members(parsed.selector);
        const expected = items.flatMap((item, i) => (matches(parsed.selector, item) ? [i] : []));
        expect([...members.members()]).toEqual(expected);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('postings prepared in one pass, over items in two segments, select what matches() accepts (fast-check, seeded)', () => {
    fc.assert(
      fc.property(fc.array(labels, { maxLength: 120 }), fc.nat(), fc.array(tree, { minLength: 1, maxLength: 4 }), (items, cut, nodes) => {
        const parsed = nodes.map((node) => {
          const result = parseSelector(canonicalString(node));
          if (!result.ok) throw new Error(`generated selector does not parse: ${canonicalString(node)}`);
          return result.selector;
        });
        const split = items.length === 0 ? 0 : cut % (items.length + 1);
        const labelled = items.map((l) => ({ labels: l }));
        const index = new MembershipIndex(labelled.slice(0, split), labelled.slice(split));
        expect(index.size).toBe(items.length);
        index.preparePostings(parsed.slice(0, -1)); // the last selector's keys may still be built lazily
        for (const selector of parsed) {
          const expected = items.flatMap((item, i) => (matches(selector, item) ? [i] : []));
          expect([...index.members(selector).members()], selector.canonical).toEqual(expected);
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('bitset filter keeps the form that fits: sparse stays sparse, dense becomes sparse when few remain', () => {
    const dense = Bitset.full(100);
    expect(dense.isSparse()).toBe(false);
    const few = dense.filter((member) => member === 7 || member === 93);
    expect(few.isSparse()).toBe(true);
    expect([...few.members()]).toEqual([7, 93]);
    expect([...dense.filter((member) => member % 2 === 0).members()].length).toBe(50);
    expect(dense.filter((member) => member % 2 === 0).isSparse()).toBe(false);
  });

  it('bitset algebra: and, or, andNot, count and members over odd sizes', () => {
    const a = Bitset.of(70, [0, 1, 33, 69]);
    const b = Bitset.of(70, [1, 2, 69]);
    expect([...a.and(b).members()]).toEqual([1, 69]);
    expect([...a.or(b).members()]).toEqual([0, 1, 2, 33, 69]);
    expect([...a.andNot(b).members()]).toEqual([0, 33]);
    expect(Bitset.full(70).count()).toBe(70);
    expect(Bitset.full(70).andNot(a).count()).toBe(66);
    expect(Bitset.empty(5).isEmpty()).toBe(true);
  });
});
