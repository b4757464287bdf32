import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commentForOrigin, commentToOriginId, emitNft, formatNftText, logPrefixText, MAX_COMMENT_BYTES, MAX_LOG_PREFIX_BYTES } from '../../../src/emit/nft/index.js';
import type { Program } from '../../../src/ir/index.js';
import { LONG_ID, NASTY_IDS } from './programs.js';

const SAFE_TOKEN = /^[A-Za-z0-9._:/=@+%-]*(~[0-9a-f]{8})?$/;
const bytes = (text: string) => new TextEncoder().encode(text).length;

function programWithIds(ids: string[]): Program {
  return {
    hooks: [{ table: 'filter', hook: 'forward', priority: 0, chain: 'cp-forward', policy: 'accept' }],
    chains: [{ name: 'cp-forward', rules: ids.map((id) => ({ matches: [], actions: [{ kind: 'accept' }], origin: { id } })) }],
    sets: [],
    maps: [],
  };
}

describe('commentForOrigin', () => {
  it.each(NASTY_IDS.map((id) => [JSON.stringify(id), id]))('keeps %s one safe token of at most 128 bytes', (_name, id) => {
    const comment = commentForOrigin(id);
    expect(comment).toMatch(SAFE_TOKEN);
    expect(bytes(comment)).toBeLessThanOrEqual(MAX_COMMENT_BYTES);
    for (const dangerous of ['"', '\n', '#', ';', '{', '}', ' ', '~tilde']) expect(comment).not.toContain(dangerous);
  });

  it('is reversible when the escaped id fits', () => {
    for (const id of NASTY_IDS.slice(0, 7)) expect(commentToOriginId(commentForOrigin(id))).toBe(id);
    expect(commentForOrigin('p:np/default/web:i:0')).toBe('p:np/default/web:i:0');
    expect(commentForOrigin('p:np/ns/it"s:i:0')).toBe('p:np/ns/it%22s:i:0');
    expect(commentForOrigin('100%')).toBe('100%25');
  });

  it('cuts long ids at 128 bytes with a hash of the whole id, never inside an escape', () => {
    const long = commentForOrigin(LONG_ID);
    expect(long).toHaveLength(128);
    expect(long).toMatch(/~[0-9a-f]{8}$/);
    expect(commentToOriginId(long)).toBeUndefined();
    expect(commentForOrigin(`${LONG_ID}x`)).not.toBe(long);
    expect(commentForOrigin(`${LONG_ID}x`).slice(0, 119)).toBe(long.slice(0, 119));
    const escaped = commentForOrigin(NASTY_IDS[7] as string);
    expect(escaped.length).toBeLessThanOrEqual(128);
    expect(escaped).toMatch(/(%[0-9A-F]{2})~[0-9a-f]{8}$/);
  });

  it('is deterministic', () => {
    expect(commentForOrigin(LONG_ID)).toBe(commentForOrigin(LONG_ID));
  });

  it('round-trips or stays a safe cut token for any string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (id) => {
        const comment = commentForOrigin(id);
        expect(comment).toMatch(SAFE_TOKEN);
        expect(comment.length).toBeLessThanOrEqual(MAX_COMMENT_BYTES);
        const back = commentToOriginId(comment);
        // Lone surrogates cannot be encoded as UTF-8: TextEncoder replaces them, so only well-formed ids are expected back.
        if (!comment.includes('~') && !/\p{Cs}/u.test(id)) expect(back).toBe(id);
        if (comment.includes('~')) expect(back).toBeUndefined();
      }),
      { seed: 20260811, numRuns: 300 },
    );
  });
});

describe('log prefixes', () => {
  it('escapes everything but safe characters and spaces, within 127 bytes', () => {
    expect(logPrefixText('calpol-packet: ')).toBe('calpol-packet: ');
    expect(logPrefixText('a"b$c\n')).toBe('a%22b%24c%0A');
    expect(logPrefixText('x'.repeat(300))).toHaveLength(MAX_LOG_PREFIX_BYTES);
  });
});

describe('origin ids in emitted rulesets', () => {
  const program = programWithIds([...NASTY_IDS, LONG_ID]);

  it('stay one safe JSON string per rule', () => {
    const comments = emitNft(program).nftables.flatMap((c) => ('add' in c && 'rule' in c.add ? [c.add.rule.comment] : []));
    expect(comments).toHaveLength(NASTY_IDS.length + 1);
    for (const comment of comments) expect(comment).toMatch(SAFE_TOKEN);
  });

  it('stay inside their quotes in the text form', () => {
    const lines = formatNftText(program).split('\n').filter((line) => line.includes('accept comment'));
    expect(lines).toHaveLength(NASTY_IDS.length + 1);
    for (const line of lines) expect(line).toMatch(/^\t\taccept comment "[A-Za-z0-9._:/=@+%~-]+"$/);
  });
});
