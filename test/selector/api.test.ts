import { describe, expect, it } from 'vitest';
import {
  formatSelectorError,
  matches,
  MAX_LABEL_LENGTH,
  parseSelector,
  prefixLabels,
  testSelectors,
  tokenize,
  type Selector,
  type SelectorNode,
} from '../../src/selector/index.js';

function parsed(text: string): Selector {
  const result = parseSelector(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.selector;
}

/** The source text each node of a tree came from, outermost first. */
function sourceTexts(text: string, node: SelectorNode): string[] {
  const own = text.slice(node.range.offset, node.range.offset + node.range.length);
  if (node.kind === 'not') return [own, ...sourceTexts(text, node.operand)];
  if (node.kind === 'and' || node.kind === 'or') return [own, ...node.operands.flatMap((o) => sourceTexts(text, o))];
  return [own];
}

describe('parseSelector', () => {
  it('gives every node the range of the text it came from', () => {
    const text = ' !(a == "x" || has( b )) && c in {"z", "y"} && !!all()';
    expect(sourceTexts(text, parsed(text).root)).toEqual([
      '!(a == "x" || has( b )) && c in {"z", "y"} && !!all()',
      '!(a == "x" || has( b ))',
      '(a == "x" || has( b ))',
      'a == "x"',
      'has( b )',
      'c in {"z", "y"}',
      '!!all()',
    ]);
  });

  it('accepts a 512-character label and rejects 513 with the label in the message', () => {
    const longest = 'l'.repeat(MAX_LABEL_LENGTH);
    expect(parseSelector(`${longest} == "x"`).ok).toBe(true);
    expect(parseSelector(`has(${longest})`).ok).toBe(true);
    const tooLong = `${longest}x`;
    expect(parseSelector(`a == "b" && ${tooLong} == "x"`)).toEqual({
      ok: false,
      error: { message: `label too long: ${tooLong}`, offset: 12, length: 513 },
    });
    expect(parseSelector(`has( ${tooLong})`)).toEqual({
      ok: false,
      error: { message: `label too long: ${tooLong}`, offset: 5, length: 513 },
    });
  });

  it('returns the same frozen result for the same text', () => {
    const first = parseSelector('a == "cached"');
    expect(parseSelector('a == "cached"')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    if (first.ok) expect(Object.isFrozen(first.selector.root.range)).toBe(true);
  });

  it('reports absurd nesting as an error, then parses normally again', () => {
    const deep = '('.repeat(5000) + 'a == "b"' + ')'.repeat(5000);
    expect(parseSelector(deep)).toMatchObject({ ok: false, error: { message: 'selector nested too deeply' } });
    expect(parsed('((a == "b"))').canonical).toBe('a == "b"');
    const nested = '('.repeat(100) + 'a == "b"' + ')'.repeat(100);
    expect(parsed(nested).canonical).toBe('a == "b"');
  });
});

describe('matches', () => {
  it('takes a Map or a plain object, and a Selector or a node', () => {
    const selector = parsed('a == "1" && b != "2"');
    expect(matches(selector, new Map([['a', '1']]))).toBe(true);
    expect(matches(selector, { a: '1', b: '2' })).toBe(false);
    expect(matches(selector.root, { a: '1' })).toBe(true);
  });
});

describe('prefixLabels', () => {
  it('prefixes every label into a new selector and leaves the input alone', () => {
    const original = parsed('!has(a) && (b in {"x"} || c not in {}) && all()');
    const prefixed = prefixLabels(original, 'pcns.');
    expect(prefixed.canonical).toBe('(!has(pcns.a) && (pcns.b in {"x"} || pcns.c not in {}) && all())');
    expect(prefixed.id).toBe(parsed(prefixed.canonical).id);
    expect(original.canonical).toBe('(!has(a) && (b in {"x"} || c not in {}) && all())');
    expect(matches(prefixed, { 'pcns.b': 'x' })).toBe(true);
  });
});

describe('tokenize', () => {
  it('gives upstream kinds, values and source ranges', () => {
    expect(tokenize(' a notin {"x"} && has( b )')).toEqual({
      ok: true,
      tokens: [
        { kind: 'TokLabel', value: 'a', range: { offset: 1, length: 1 } },
        { kind: 'TokNotIn', range: { offset: 3, length: 5 } },
        { kind: 'TokLBrace', range: { offset: 9, length: 1 } },
        { kind: 'TokStringLiteral', value: 'x', range: { offset: 10, length: 3 } },
        { kind: 'TokRBrace', range: { offset: 13, length: 1 } },
        { kind: 'TokAnd', range: { offset: 15, length: 2 } },
        { kind: 'TokHas', value: 'b', range: { offset: 18, length: 8 } },
        { kind: 'TokEOF', range: { offset: 26, length: 0 } },
      ],
    });
  });

  it('stops at the first error with its position', () => {
    expect(tokenize('a == "b" && c = "d"')).toEqual({
      ok: false,
      error: { message: 'expected ==', offset: 14, length: 1 },
    });
  });

  it('tokenizes what does not parse', () => {
    expect(tokenize('b in c').ok).toBe(true);
    expect(parseSelector('b in c').ok).toBe(false);
  });
});

describe('formatSelectorError', () => {
  it('puts a caret line under the offending text', () => {
    const text = 'a == "b" && c = "d"';
    const result = parseSelector(text);
    if (result.ok) throw new Error('should fail');
    expect(formatSelectorError(text, result.error)).toBe(
      ['a == "b" && c = "d"', '              ^'].join('\n'),
    );
  });

  it('keeps control characters on one line and the caret aligned', () => {
    const text = 'a\t== "b"\n';
    const result = parseSelector(text);
    if (result.ok) throw new Error('should fail');
    expect(formatSelectorError(text, result.error)).toBe(
      ['a\\t== "b"\\n', '         ^^'].join('\n'),
    );
  });

  it('points past the end when the selector ends too early', () => {
    const result = parseSelector('a ==');
    if (result.ok) throw new Error('should fail');
    expect(formatSelectorError('a ==', result.error)).toBe(['a ==', '    ^'].join('\n'));
  });
});

describe('testSelectors', () => {
  it('reports validity, canonical form, id, match and error per case', () => {
    const results = testSelectors([
      { selector: 'a == "x"', labels: { a: 'x' } },
      { selector: 'a == "x"' },
      { selector: 'a = "x"', labels: { a: 'x' } },
    ]);
    const id = parsed('a == "x"').id;
    expect(results).toEqual([
      { selector: 'a == "x"', valid: true, canonical: 'a == "x"', id, match: true, error: null },
      { selector: 'a == "x"', valid: true, canonical: 'a == "x"', id, match: null, error: null },
      { selector: 'a = "x"', valid: false, canonical: null, id: null, match: null, error: 'expected ==' },
    ]);
  });

  // Its speed is measured by the benchmark (bench/), not asserted here.
  it('answers 10,000 cases in input order', () => {
    const cases = Array.from({ length: 10_000 }, (_, index) => ({
      selector: `app == "web${index % 2000}" && (tier in {"a", "b"} || !has(x${index % 500}))`,
      labels: { app: `web${index % 2000}`, tier: 'a' },
    }));
    const results = testSelectors(cases);
    expect(results).toHaveLength(10_000);
    expect(results.every((result, index) => result.match === true && result.selector === cases[index]!.selector)).toBe(true);
  });
});
