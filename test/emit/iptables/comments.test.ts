import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commentForOrigin, decodeIptables, emitIptables, lowerForIptables, originIdFromComment, originLookupFor, sanitizeLogPrefix } from '../../../src/emit/iptables/index.js';
import type { Program } from '../../../src/ir/index.js';
import { LONG_ID, NASTY_IDS, rule } from './programs.js';

/**
 * Nothing in an Origin id or a LOG prefix can change the structure of a restore line: a
 * comment is one quoted token of [A-Za-z0-9._:/=@+%-], at most 255 characters, and reads
 * back to the id (unless it had to be cut, which its `%-<hash>` ending says).
 */

const SAFE = /^[A-Za-z0-9._:/=@+%-]{1,255}$/;

function programWithIds(ids: readonly string[]): Program {
  return {
    hooks: [{ table: 'filter', hook: 'forward', priority: 0, chain: 'c', policy: 'accept' }],
    chains: [{ name: 'c', rules: ids.map((id, i) => rule([{ kind: 'mark', mask: 0xff, value: i, negate: false }], [{ kind: 'log', prefix: id }], id)) }],
    sets: [],
    maps: [],
  };
}

describe('comments and log prefixes', () => {
  it.each(NASTY_IDS)('%j becomes one safe comment token that reads back', (id) => {
    const comment = commentForOrigin(id);
    expect(comment).toMatch(SAFE);
    if (!comment.includes('%-')) expect(originIdFromComment(comment)).toBe(id);
  });

  it('cuts long ids to 255 characters with a hash, never inside a %XX escape, distinct for distinct ids', () => {
    const a = commentForOrigin(LONG_ID);
    const b = commentForOrigin(`${LONG_ID}x`);
    expect(a.length).toBeLessThanOrEqual(255);
    expect(a).toMatch(/%-[0-9a-f]{16}$/);
    expect(a).not.toBe(b);
    const accented = commentForOrigin(`p:${'é'.repeat(100)}`);
    expect(accented).toMatch(/^p:(%C3%A9)+%-[0-9a-f]{16}$/);
    expect(originIdFromComment(a)).toBe(a);
  });

  it('keeps every line of the restore text one rule: `-A FORWARD -j ACCEPT` in an id is just text', () => {
    const program = programWithIds(NASTY_IDS);
    const { iptables } = emitIptables(lowerForIptables(program));
    const rules = iptables.split('\n').filter((line) => line.startsWith('-A c '));
    expect(rules).toHaveLength(NASTY_IDS.length);
    for (const line of rules) {
      expect(line).toMatch(/^-A c -m comment --comment "[A-Za-z0-9._:/=@+%-]+" -m mark --mark 0x[0-9a-f]+\/0xff -j LOG --log-prefix "[A-Za-z0-9 ._:/=@+-]*"$/);
    }
    expect(iptables).not.toMatch(/^-A FORWARD/m);
    const lowered = lowerForIptables(program);
    expect(decodeIptables(emitIptables(lowered), originLookupFor(lowered))).toEqual(lowered);
  });

  it('any string becomes a safe comment that reads back (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (id) => {
        const comment = commentForOrigin(id);
        expect(comment).toMatch(/^[A-Za-z0-9._:/=@+%-]{0,255}$/);
        if (!comment.includes('%-')) expect(originIdFromComment(comment)).toBe(id);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('reduces LOG prefixes to 29 characters iptables takes as they are', () => {
    expect(sanitizeLogPrefix('calico-packet: ')).toBe('calico-packet: ');
    expect(sanitizeLogPrefix('a"b\\c\n{};$`\'')).toBe('a_b_c_______');
    expect(sanitizeLogPrefix('x'.repeat(40))).toHaveLength(29);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (prefix) => {
        expect(sanitizeLogPrefix(prefix)).toMatch(/^[A-Za-z0-9 ._:/=@+-]{0,29}$/);
      }),
      { seed: 8, numRuns: 1000 },
    );
  });
});
