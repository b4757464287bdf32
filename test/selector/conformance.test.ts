import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matches, parseSelector, prefixLabels, tokenize, type Selector } from '../../src/selector/index.js';

/** Upstream's selector test vectors (their source is named in the file). */
const vectorsFile = resolve(import.meta.dirname, '../conformance/vectors/selector-upstream.json');

interface Vectors {
  matches: { selector: string; labels: Record<string, string>; match: boolean }[];
  invalid: { selector: string }[];
  valid: { selector: string }[];
  canonical: { selector: string; canonical: string; uniqueID?: string }[];
  visitor: { description: string; selector: string; prefix: string; canonicalAfterPrefix: string }[];
  tokenize: (
    | { input: string; tokens: { kind: string; value?: string }[] }
    | { input: string; error: true }
  )[];
}

const vectors = JSON.parse(readFileSync(vectorsFile, 'utf8')) as Vectors;

/** Short, unique test titles: long selectors are cut, the index keeps them apart. */
function title(index: number, text: string): string {
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `#${index} ${JSON.stringify(shown)}`;
}

function parsed(text: string): Selector {
  const result = parseSelector(text);
  if (!result.ok) throw new Error(`${JSON.stringify(text)} failed: ${result.error.message}`);
  return result.selector;
}

describe('upstream selector vectors', () => {
  it('has every section the reference describes', () => {
    expect(vectors.matches).toHaveLength(98);
    expect(vectors.invalid).toHaveLength(42);
    expect(vectors.valid).toHaveLength(108);
    expect(vectors.canonical).toHaveLength(17);
    expect(vectors.visitor).toHaveLength(11);
    expect(vectors.tokenize).toHaveLength(49);
  });

  describe('matches', () => {
    it.each(vectors.matches.map((v, i) => [title(i, v.selector), v] as const))('%s', (_, vector) => {
      expect(matches(parsed(vector.selector), vector.labels)).toBe(vector.match);
    });
  });

  describe('invalid', () => {
    it.each(vectors.invalid.map((v, i) => [title(i, v.selector), v] as const))('%s', (_, vector) => {
      const result = parseSelector(vector.selector);
      expect(result.ok).toBe(false);
    });
  });

  describe('valid', () => {
    it.each(vectors.valid.map((v, i) => [title(i, v.selector), v] as const))('%s', (_, vector) => {
      const result = parseSelector(vector.selector);
      expect(result.ok ? 'ok' : result.error.message).toBe('ok');
    });
  });

  describe('canonical', () => {
    it.each(vectors.canonical.map((v, i) => [title(i, v.selector), v] as const))('%s', (_, vector) => {
      const selector = parsed(vector.selector);
      expect(selector.canonical).toBe(vector.canonical);
      if (vector.uniqueID !== undefined) expect(selector.id).toBe(vector.uniqueID);
    });
  });

  describe('visitor (prefix)', () => {
    it.each(vectors.visitor.map((v) => [v.description, v] as const))('%s', (_, vector) => {
      const original = parsed(vector.selector);
      const prefixed = prefixLabels(original, vector.prefix);
      expect(prefixed.canonical).toBe(vector.canonicalAfterPrefix);
      expect(prefixed.id).not.toBe(original.id);
      expect(parsed(prefixed.canonical).id).toBe(prefixed.id);
    });
  });

  describe('tokenize', () => {
    it.each(vectors.tokenize.map((v, i) => [title(i, v.input), v] as const))('%s', (_, vector) => {
      const result = tokenize(vector.input);
      if ('error' in vector) {
        expect(result.ok).toBe(false);
        return;
      }
      if (!result.ok) throw new Error(result.error.message);
      const tokens = result.tokens.map(({ kind, value }) => (value === undefined ? { kind } : { kind, value }));
      expect(tokens).toEqual(vector.tokens);
    });
  });
});
