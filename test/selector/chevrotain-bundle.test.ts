import * as packageEntry from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { CstParser, EOF } from '../../grammar/chevrotain.js';
import { parseSelector } from '../../src/selector/index.js';

/**
 * grammar/chevrotain.ts loads chevrotain's one-file build (lib/chevrotain.mjs) rather than
 * the package entry, which pulls in ~600 lodash-es modules (~190 ms at every start). If an
 * upgrade moves that file, calpol still works on the entry, only slower: this test says so.
 */
describe('chevrotain loading', () => {
  it('uses the one-file build, not the package entry', () => {
    expect(CstParser).not.toBe(packageEntry.CstParser);
    expect(EOF).not.toBe(packageEntry.EOF);
  });

  it('parses with it (the parser, lexer and EOF come from one copy)', () => {
    const parsed = parseSelector("app == 'web' && has(tier)");
    expect(parsed.ok).toBe(true);
    expect(parseSelector('app == ').ok).toBe(false);
  });
});
