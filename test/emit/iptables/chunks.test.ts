import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitIptables, iptablesChunks, lowerForIptables, type IptablesChunks } from '../../../src/emit/iptables/index.js';
import { alreadyFlat } from '../../../src/emit/iptables/lower.js';
import { lowerRule, type RuleContext } from '../../../src/emit/iptables/lower-rule.js';
import type { Action, Match, Program, Rule } from '../../../src/ir/index.js';
import { builtPrograms } from './built.js';
import { emptyHookProgram, everythingProgram, rule } from './programs.js';

/**
 * iptablesChunks: the files as chunks of one line each, produced as they are read. Joined,
 * they are emitIptables' strings (which the goldens pin, test/golden.test.ts); each chunk
 * is exactly one line, however large the program, and nothing is rendered before it is read.
 */

const FILES = ['iptables', 'ip6tables', 'ipsets', 'attach', 'detach'] as const;

function expectLineChunks(chunks: IptablesChunks): void {
  for (const file of FILES) {
    const list = Array.from(chunks[file]);
    expect(list.length, file).toBeGreaterThan(0);
    for (const chunk of list) {
      expect(chunk.endsWith('\n'), `${file}: ${JSON.stringify(chunk.slice(0, 80))}`).toBe(true);
      expect(chunk.indexOf('\n'), file).toBe(chunk.length - 1);
    }
  }
}

const PROGRAMS: [string, () => Program][] = [
  ['everything', everythingProgram],
  ['empty hook', emptyHookProgram],
  ...builtPrograms(4),
];

describe('iptablesChunks', () => {
  it.each(PROGRAMS)('%s: one line per chunk, the same bytes twice, joined as emitIptables', (_name, make) => {
    const lowered = lowerForIptables(make());
    const chunks = iptablesChunks(lowered);
    expectLineChunks(chunks);
    const joined = Object.fromEntries(FILES.map((file) => [file, Array.from(chunks[file]).join('')]));
    // Each file can be read again: the chunks are rendered anew.
    expect(Object.fromEntries(FILES.map((file) => [file, Array.from(chunks[file]).join('')]))).toEqual(joined);
    expect(emitIptables(lowered)).toEqual(joined);
    expect(joined.iptables).toMatch(/^# calpol: IPv4 rules[^\n]*\n\*[a-z]+\n[\s\S]*COMMIT\n$/);
  });

  it('renders a line only when it is read', () => {
    // Not flat (two actions): rendering its line throws, and only reading that far does.
    const broken: Rule = rule([], [{ kind: 'log', prefix: 'x' }, { kind: 'drop' }]);
    const program: Program = {
      hooks: [{ table: 'filter', hook: 'forward', priority: 0, chain: 'a', policy: 'accept' }],
      chains: [
        { name: 'a', rules: [rule([], [{ kind: 'jump', target: 'z' }])] },
        { name: 'z', rules: [broken] },
      ],
      sets: [],
      maps: [],
    };
    const chunks = iptablesChunks(program);
    const lines = chunks.iptables[Symbol.iterator]();
    expect(lines.next().value).toMatch(/^# calpol: IPv4 rules/);
    expect(lines.next().value).toBe('*filter\n');
    expect(() => Array.from(chunks.iptables)).toThrow(/several actions must be lowered first/);
  });

  it('writes a shared (frozen) rule in every chain and table that holds it, REJECT in each family', () => {
    const reject = Object.freeze(rule([], [{ kind: 'reject' }], 's:shared-reject'));
    const accept = Object.freeze(rule([{ kind: 'mark', mask: 0x10000, value: 0x10000, negate: false }], [{ kind: 'accept' }], 's:shared-accept'));
    const program: Program = {
      hooks: [
        { table: 'filter', hook: 'forward', priority: 0, chain: 'f', policy: 'accept' },
        { table: 'mangle', hook: 'prerouting', priority: 0, chain: 'm', policy: 'accept' },
      ],
      chains: [
        { name: 'f', rules: [accept, { ...rule([], [{ kind: 'jump', target: 'g' }]) }, reject] },
        { name: 'g', rules: [accept, reject] },
        { name: 'm', rules: [accept] },
      ],
      sets: [],
      maps: [],
    };
    const { iptables, ip6tables } = emitIptables(program);
    const acceptLine = (chain: string) => `-A ${chain} -m comment --comment "s:shared-accept" -m mark --mark 0x10000/0x10000 -j ACCEPT`;
    for (const text of [iptables, ip6tables]) for (const chain of ['f', 'g', 'm']) expect(text).toContain(`${acceptLine(chain)}\n`);
    expect(iptables).toContain('-A g -m comment --comment "s:shared-reject" -j REJECT --reject-with icmp-port-unreachable\n');
    expect(ip6tables).toContain('-A g -m comment --comment "s:shared-reject" -j REJECT --reject-with icmp6-port-unreachable\n');
    expect(iptables).not.toContain('icmp6-port-unreachable');
    expect(ip6tables).not.toMatch(/icmp-port-unreachable/);
  });
});

/** A context for lowering rules without sets, maps or helpers (alreadyFlat's rules need none). */
const bareContext: RuleContext = {
  sets: new Map(),
  maps: new Map(),
  helper: () => {
    throw new Error('no helper expected');
  },
  jumpMap: () => {
    throw new Error('no map expected');
  },
  flag: () => 0x80000,
};

const uint32 = fc.oneof(fc.constantFrom(0, 0x10000, 0x20000, 0x30000, 0xffffffff, -1, 0x1_0000_0000), fc.integer({ min: -1, max: 2 ** 32 }));
const markMatch = fc.record({ kind: fc.constant('mark' as const), mask: uint32, value: uint32, negate: fc.boolean() });
const otherMatch = fc.constantFrom<Match>(
  { kind: 'ctState', states: ['established'], negate: false },
  { kind: 'protocol', protocols: [6], negate: false },
  { kind: 'family', version: 4 },
);
const action = fc.constantFrom<Action>(
  { kind: 'accept' },
  { kind: 'drop' },
  { kind: 'reject' },
  { kind: 'return' },
  { kind: 'jump', target: 't' },
  { kind: 'goto', target: 't' },
  { kind: 'setMark', mask: 0x10000, value: 0x10000 },
  { kind: 'log', prefix: 'x' },
);

describe('alreadyFlat', () => {
  it('holds only for rules that lower to an equal copy of themselves', () => {
    const rules = fc.record({
      matches: fc.array(fc.oneof(markMatch, otherMatch), { maxLength: 2 }),
      actions: fc.array(action, { minLength: 1, maxLength: 2 }),
    });
    let flat = 0;
    fc.assert(
      fc.property(rules, ({ matches, actions }) => {
        const source = rule(matches, actions);
        if (!alreadyFlat(source)) return;
        flat++;
        expect(lowerRule(source, bareContext)).toEqual([source]);
      }),
      { numRuns: 2000, seed: 20261123 },
    );
    expect(flat).toBeGreaterThan(100);
  });

  it('recognises the rules endpoint chains do not share, and the lowered program keeps them as they are', () => {
    const tierEnd = rule([{ kind: 'mark', mask: 0x20000, value: 0, negate: false }], [{ kind: 'drop' }], 't:default:e:workload/ns/pod');
    const noProfile = rule([], [{ kind: 'drop' }], 's:no-profile:e:workload/ns/pod');
    expect([tierEnd, noProfile].map(alreadyFlat)).toEqual([true, true]);
    const program: Program = {
      hooks: [{ table: 'filter', hook: 'forward', priority: 0, chain: 'c', policy: 'accept' }],
      chains: [{ name: 'c', rules: [tierEnd, noProfile] }],
      sets: [],
      maps: [],
    };
    const [chain] = lowerForIptables(program).chains;
    expect(chain?.rules[0]).toBe(tierEnd);
    expect(chain?.rules[1]).toBe(noProfile);
  });
});
