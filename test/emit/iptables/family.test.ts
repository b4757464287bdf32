import { describe, expect, it } from 'vitest';
import { mergeFamilies, normaliseFamilies, splitFamilies } from '../../../src/emit/iptables/family.js';
import type { Match, Rule, SetType } from '../../../src/ir/index.js';
import { random } from './helpers.js';

const sets = new Map<string, SetType>([['s4', 'ipv4'], ['s6', 'ipv6']]);

/** Matches whose families differ: none, IPv4 and IPv6 nets, sets, explicit family matches (restating or not). */
const POOL: Match[][] = [
  [],
  [{ kind: 'protocol', protocols: [6], negate: false }],
  [{ kind: 'sourceNet', version: 4, nets: ['10.0.0.0/8'], negate: false }],
  [{ kind: 'sourceNet', version: 6, nets: ['fd00::/8'], negate: false }],
  [{ kind: 'family', version: 4 }, { kind: 'destinationSet', set: 's4', negate: false }],
  [{ kind: 'family', version: 6 }, { kind: 'sourceSet', set: 's6', negate: true }],
  [{ kind: 'family', version: 4 }, { kind: 'protocol', protocols: [17], negate: false }],
  [{ kind: 'family', version: 6 }],
];

function chain(next: () => number, pool: Match[][]): Rule[] {
  const length = Math.floor(next() * 12);
  return Array.from({ length }, () => {
    const matches = pool[Math.floor(next() * pool.length)] as Match[];
    // Few distinct actions, so equal rules (the merge's hard case) come up often.
    return { matches: matches.map((m) => ({ ...m })), actions: [{ kind: next() < 0.5 ? 'accept' : 'drop' }], origin: { id: 'o' } } as Rule;
  });
}

describe('normaliseFamilies', () => {
  it('is the merge of the split, for chains with and without explicit family matches', () => {
    const next = random(7);
    for (let i = 0; i < 2000; i++) {
      // Half the chains use only matches whose family is implied (the merge by position), half any.
      const rules = chain(next, i % 2 === 0 ? POOL.slice(0, 6) : POOL);
      const { v4, v6 } = splitFamilies(rules, sets);
      expect(normaliseFamilies(rules, sets)).toEqual(mergeFamilies(v4, v6, sets));
    }
  });
});
