import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePrefix, prefixContains } from '../../src/model/address.js';
import { ipv4WordOverlaps, toIPv4Range } from '../../src/model/load/pod-focus.js';

const seed = Number(process.env.CALPOL_PROPERTY_SEED ?? 20_261_123);

// Words as the IPv4 pattern finds them: four parts of 1-3 digits (some over 255), maybe a /length of 1-3 digits.
const part = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.integer({ min: 0, max: 999 }).map(String), fc.constantFrom('0', '00', '010', '255', '256'));
const word = fc
  .tuple(part, part, part, part, fc.option(fc.oneof(fc.integer({ min: 0, max: 40 }).map(String), fc.constantFrom('032', '999', '0')), { nil: undefined }))
  .map(([a, b, c, d, length]) => `${a}.${b}.${c}.${d}${length === undefined ? '' : `/${length}`}`);
const octet = fc.integer({ min: 0, max: 255 });
const focusPrefix = fc.tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 32 })).map(([a, b, c, d, length]) => parsePrefix(`${a}.${b}.${c}.${d}/${length}`)!);

describe('the IPv4 word check of explain pod focus', () => {
  it('agrees with parsePrefix and prefix containment (fast-check, seeded)', () => {
    fc.assert(
      fc.property(word, fc.array(focusPrefix, { minLength: 1, maxLength: 3 }), (text, wanted) => {
        const parsed = parsePrefix(text);
        const expected = parsed !== undefined && wanted.some((w) => (parsed.length <= w.length ? prefixContains(parsed, w) : prefixContains(w, parsed)));
        expect(ipv4WordOverlaps(text, wanted.map(toIPv4Range)), text).toBe(expected);
      }),
      { seed, numRuns: 2000 },
    );
  });

  it('near misses and edges', () => {
    const wanted = [toIPv4Range(parsePrefix('10.64.3.5')!)];
    expect(ipv4WordOverlaps('10.64.3.5', wanted)).toBe(true);
    expect(ipv4WordOverlaps('10.64.3.4', wanted)).toBe(false);
    expect(ipv4WordOverlaps('10.64.0.0/16', wanted)).toBe(true);
    expect(ipv4WordOverlaps('10.65.0.0/16', wanted)).toBe(false);
    expect(ipv4WordOverlaps('0.0.0.0/0', wanted)).toBe(true);
    expect(ipv4WordOverlaps('255.255.255.255', [toIPv4Range(parsePrefix('255.255.255.255')!)])).toBe(true);
    expect(ipv4WordOverlaps('10.64.3.256', wanted)).toBe(false);
    expect(ipv4WordOverlaps('10.64.3.5/33', wanted)).toBe(false);
  });
});
