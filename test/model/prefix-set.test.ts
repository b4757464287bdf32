import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePrefix, prefixContains, PrefixSet, type Prefix } from '../../src/model/address.js';

const seed = Number(process.env.CALPOL_PROPERTY_SEED ?? 20_261_124);

// Few distinct values per octet and group, so members, near misses and nesting are common.
const octet = fc.constantFrom(0, 1, 10, 128, 255);
const group = fc.constantFrom('0', '1', 'fd00', 'ffff');
const ipv4 = fc.tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 32 })).map(([a, b, c, d, length]) => `${a}.${b}.${c}.${d}/${length}`);
const ipv6 = fc.tuple(group, group, group, fc.integer({ min: 0, max: 128 })).map(([a, b, c, length]) => `${a}:${b}::${c}/${length}`);
const prefix = fc.oneof(ipv4, ipv6).map((text) => parsePrefix(text) as Prefix);
/** Lookups are mostly host addresses (what a packet carries), some prefixes. */
const address = fc.oneof(
  fc.tuple(octet, octet, octet, octet).map((octets) => parsePrefix(octets.join('.')) as Prefix),
  fc.tuple(group, group, group).map(([a, b, c]) => parsePrefix(`${a}:${b}::${c}`) as Prefix),
  prefix,
);

describe('PrefixSet', () => {
  it('contains exactly the addresses some added prefix contains (fast-check, seeded)', () => {
    fc.assert(
      fc.property(fc.array(prefix, { maxLength: 12 }), fc.array(address, { minLength: 1, maxLength: 20 }), (prefixes, addresses) => {
        const set = new PrefixSet();
        for (const added of prefixes) set.add(added);
        for (const looked of addresses) {
          const expected = prefixes.some((added) => prefixContains(added, looked));
          expect(set.contains(looked), `${looked.version} ${looked.value}/${looked.length}`).toBe(expected);
        }
      }),
      { seed, numRuns: 1000 },
    );
  });

  it('keeps the families apart and answers hosts, prefixes and the empty set', () => {
    const set = new PrefixSet();
    const of = (text: string) => parsePrefix(text) as Prefix;
    expect(set.contains(of('10.0.0.1'))).toBe(false);
    set.add(of('10.0.0.0/8'));
    set.add(of('192.168.1.7'));
    set.add(of('::/0'));
    expect(set.contains(of('10.200.3.4'))).toBe(true);
    expect(set.contains(of('10.0.0.0/16'))).toBe(true);
    expect(set.contains(of('10.0.0.0/7'))).toBe(false);
    expect(set.contains(of('192.168.1.7'))).toBe(true);
    expect(set.contains(of('192.168.1.6'))).toBe(false);
    expect(set.contains(of('11.0.0.1'))).toBe(false);
    expect(set.contains(of('fd00::1'))).toBe(true);
    // ::/0 holds every IPv6 address, not IPv4 ones written in IPv6 form only by accident.
    expect(set.contains(of('0.0.0.0'))).toBe(false);
  });
});
