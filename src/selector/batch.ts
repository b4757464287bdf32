import { matches } from './evaluate.js';
import { parseSelector } from './parse.js';
import type { SelectorTestCase, SelectorTestResult } from './types.js';

/**
 * Parses and evaluates a batch of selectors (for the CLI's selector tester). Each
 * distinct selector text is parsed once, through the parse cache.
 */
export function testSelectors(cases: readonly SelectorTestCase[]): SelectorTestResult[] {
  return cases.map(({ selector, labels }) => {
    const result = parseSelector(selector);
    if (!result.ok) {
      return { selector, valid: false, canonical: null, id: null, match: null, error: result.error.message };
    }
    const { canonical, id } = result.selector;
    const match = labels === undefined ? null : matches(result.selector, labels);
    return { selector, valid: true, canonical, id, match, error: null };
  });
}
