import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalString,
  matches,
  parseSelector,
  selectorId,
  type SelectorNode,
  type SourceRange,
} from '../../src/selector/index.js';

/** Fixed by default so CI is reproducible; set CALPOL_PROPERTY_SEED to explore other inputs. */
const seed = Number(process.env.CALPOL_PROPERTY_SEED ?? 20_261_123);
const numRuns = 400;

/** Generated trees have no source text; ranges are compared away. */
const noRange: SourceRange = { offset: 0, length: 0 };

// Keywords and operator words are label names here too: they must survive the round trip.
const label = fc.oneof(
  fc.constantFrom('a', 'in', 'not', 'notin', 'has', 'all', 'global', 'contains', 'starts', 'with', 'endswith'),
  fc.stringMatching(/^[a-zA-Z0-9_./-]{1,24}$/),
);

// A string literal has no escapes, so no value can hold both kinds of quote.
const value = fc
  .oneof(
    fc.constantFrom('', '"', "'", 'say "hi"', "it's", ' x ', 'a\nb'),
    fc.string({ maxLength: 8 }),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
  )
  .filter((text) => !(text.includes('"') && text.includes("'")));

/** Sorted by UTF-8 bytes and de-duplicated, as the parser stores set values (independent of the code under test). */
function normalisedSet(values: string[]): string[] {
  const sorted = [...values].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  return sorted.filter((item, index) => index === 0 || item !== sorted[index - 1]);
}

const leaf: fc.Arbitrary<SelectorNode> = fc.oneof(
  fc.constant<SelectorNode>({ kind: 'all', range: noRange }),
  fc.constant<SelectorNode>({ kind: 'global', range: noRange }),
  label.map((name): SelectorNode => ({ kind: 'has', label: name, range: noRange })),
  fc
    .tuple(fc.constantFrom('eq', 'ne', 'contains', 'startsWith', 'endsWith' as const), label, value)
    .map(([kind, name, text]): SelectorNode => ({ kind, label: name, value: text, range: noRange })),
  fc
    .tuple(fc.constantFrom('in', 'notIn' as const), label, fc.array(value, { maxLength: 4 }))
    .map(([kind, name, values]): SelectorNode => ({ kind, label: name, values: normalisedSet(values), range: noRange })),
);

/**
 * Selector trees as the parser builds them. A NOT never directly wraps a NOT: upstream
 * prints `!(!x)` as `!!x`, which re-parses as `x` (the `!` run collapses), so that one
 * shape is not a fixed point of canonicalisation, upstream's or ours.
 */
const { node: tree } = fc.letrec<{ node: SelectorNode; not: SelectorNode; and: SelectorNode; or: SelectorNode }>(
  (tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('not'), tie('and'), tie('or')),
    not: tie('node')
      .filter((operand) => operand.kind !== 'not')
      .map((operand): SelectorNode => ({ kind: 'not', operand, range: noRange })),
    and: fc
      .array(tie('node'), { minLength: 2, maxLength: 4 })
      .map((operands): SelectorNode => ({ kind: 'and', operands, range: noRange })),
    or: fc
      .array(tie('node'), { minLength: 2, maxLength: 4 })
      .map((operands): SelectorNode => ({ kind: 'or', operands, range: noRange })),
  }),
);

const labels = fc.dictionary(label, fc.oneof(value, fc.constantFrom('', 'x')), { maxKeys: 6 });

/** The tree without its ranges, for structural comparison. */
function withoutRanges(node: SelectorNode): unknown {
  return JSON.parse(JSON.stringify(node, (key, item: unknown) => (key === 'range' ? undefined : item)));
}

function check<Values extends [unknown, ...unknown[]]>(property: fc.IProperty<Values>): void {
  try {
    fc.assert(property, { seed, numRuns });
  } catch (error) {
    throw new Error(`property failed with seed ${seed} (rerun: CALPOL_PROPERTY_SEED=${seed})\n${String(error)}`);
  }
}

describe('selector properties (fast-check)', () => {
  it('canonical form is a fixed point: canonical(parse(canonical(t))) == canonical(t), same id', () => {
    check(
      fc.property(tree, (node) => {
        const canonical = canonicalString(node);
        const result = parseSelector(canonical);
        if (!result.ok) throw new Error(`${JSON.stringify(canonical)}: ${result.error.message}`);
        expect(result.selector.canonical).toBe(canonical);
        expect(result.selector.id).toBe(selectorId(canonical));
        expect(withoutRanges(result.selector.root)).toEqual(withoutRanges(node));
      }),
    );
  });

  it('the parsed canonical form matches exactly the labels the tree matches', () => {
    check(
      fc.property(tree, labels, (node, labelMap) => {
        const result = parseSelector(canonicalString(node));
        if (!result.ok) throw new Error(result.error.message);
        expect(matches(result.selector, labelMap)).toBe(matches(node, labelMap));
      }),
    );
  });
});
