import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashText, hasLoneSurrogate, shortHash, textBytes } from '../../src/diag/index.js';

describe('hashing text', () => {
  it('hashes well-formed text as its UTF-8, as upstream does (selector ids, veth names)', () => {
    expect(hashText('s:app == "web"', 'sha224', 'base64url')).toBe(createHash('sha224').update('s:app == "web"', 'utf8').digest('base64url'));
    expect(hashText('default.web-0', 'sha1')).toBe(createHash('sha1').update('default.web-0').digest('hex'));
    expect(shortHash('x', 8)).toBe(createHash('sha256').update('x').digest('hex').slice(0, 8));
  });

  it('keeps lone surrogates apart (UTF-8 writes U+FFFD for each)', () => {
    expect(hasLoneSurrogate('\ud800')).toBe(true);
    expect(hasLoneSurrogate('a\udf6eb')).toBe(true);
    expect(hasLoneSurrogate('\ud83d\ude00')).toBe(false);
    expect(hashText("a == '\ud800'")).not.toBe(hashText("a == '\udf6e'"));
    expect(hashText("a == '\ud800'")).not.toBe(hashText("a == '\ufffd'"));
  });

  it('gives different bytes for different strings, surrogates or not (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '\ud800', '\udc00', '\ufffd', '\ud83d', '\ude00', 'é', '\u00ff') });
    fc.assert(
      fc.property(text, text, (a, b) => {
        if (a !== b) expect(textBytes(a).equals(textBytes(b))).toBe(false);
        else expect(textBytes(a).equals(textBytes(b))).toBe(true);
      }),
      { seed: 20_261_207, numRuns: 3000 },
    );
  });
});
