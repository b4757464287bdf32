import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { matches, parseSelector, type SelectorError } from '../../src/selector/index.js';

/** One entry of grammar/cases/*.yaml (the fields are described in grammar/cases/README.md). */
interface SelectorCase {
  selector: string;
  note?: string;
  canonical?: string;
  matches?: Record<string, string>[];
  doesNotMatch?: Record<string, string>[];
  error?: SelectorError;
}

const casesDirectory = resolve(import.meta.dirname, '../../grammar/cases');
const files = readdirSync(casesDirectory)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

function runCase(entry: SelectorCase): void {
  const result = parseSelector(entry.selector);
  if (entry.error) {
    expect(result.ok ? 'parsed' : result.error).toEqual(entry.error);
    return;
  }
  if (!result.ok) throw new Error(`unexpected error: ${result.error.message} at ${result.error.offset}`);
  if (entry.canonical !== undefined) expect(result.selector.canonical).toBe(entry.canonical);
  for (const labels of entry.matches ?? []) expect(matches(result.selector, labels), JSON.stringify(labels)).toBe(true);
  for (const labels of entry.doesNotMatch ?? []) {
    expect(matches(result.selector, labels), JSON.stringify(labels)).toBe(false);
  }
}

describe('grammar/cases', () => {
  it('has case files', () => expect(files.length).toBeGreaterThan(0));

  for (const file of files) {
    const entries = parse(readFileSync(resolve(casesDirectory, file), 'utf8')) as SelectorCase[];
    describe(file, () => {
      it.each(entries.map((entry, index) => [`#${index} ${JSON.stringify(entry.selector)}`, entry] as const))(
        '%s',
        (_, entry) => {
          const checks = ['canonical', 'matches', 'doesNotMatch', 'error'] as const;
          expect(checks.some((field) => entry[field] !== undefined), 'a case must check something').toBe(true);
          runCase(entry);
        },
      );
    });
  }
});
