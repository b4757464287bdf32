import { describe, expect, it } from 'vitest';
import { decodeIptables, emitIptables, lowerForIptables, mergeFamilies, originLookupFor, splitFamilies } from '../../../src/emit/iptables/index.js';
import type { Program, Rule } from '../../../src/ir/index.js';
import { emptyHookProgram, everythingProgram, rule } from './programs.js';

/**
 * decodeIptables(emitIptables(lowerForIptables(p))) deep-equals lowerForIptables(p):
 * the files hold everything the lowered program says, origins included (looked up by the
 * id their comment gives back).
 */

function roundTrip(program: Program): Program {
  const lowered = lowerForIptables(program);
  const decoded = decodeIptables(emitIptables(lowered), originLookupFor(lowered));
  expect(decoded).toEqual(lowered);
  return lowered;
}

describe('iptables round trip', () => {
  it('gives back the lowered program of every match, action and lowering case', () => {
    const lowered = roundTrip(everythingProgram());
    expect(lowered.chains.some((c) => c.name.startsWith('calpol-or-'))).toBe(true);
    expect(lowered.chains.some((c) => c.name.startsWith('calpol-not-'))).toBe(true);
    expect(lowered.chains.some((c) => c.name.startsWith('calpol-do-'))).toBe(true);
  });

  it('gives back a program with one empty hook chain', () => {
    roundTrip(emptyHookProgram());
  });

  it('gives back origins as bare ids without a lookup', () => {
    const lowered = lowerForIptables(everythingProgram());
    const decoded = decodeIptables(emitIptables(lowered));
    const rules = decoded.chains.flatMap((c) => c.rules);
    expect(rules.map((r) => Object.keys(r.origin))).toEqual(rules.map(() => ['id']));
    const ids = new Set(lowered.chains.flatMap((c) => c.rules.map((r) => r.origin.id)));
    // Every id comes back except those cut to fit 255 characters (marked `%-` + hash).
    const cut = rules.filter((r) => !ids.has(r.origin.id)).map((r) => r.origin.id);
    expect(cut).toHaveLength(2);
    for (const id of cut) expect(id).toMatch(/^[A-Za-z0-9._:/=@+%-]{200,255}$/);
    for (const id of cut) expect(id).toMatch(/%-[0-9a-f]{16}$/);
  });

  it('writes each family only what it can match and merges the two back', () => {
    const { iptables, ip6tables } = emitIptables(lowerForIptables(everythingProgram()));
    expect(iptables).toContain('-s 10.0.0.1/32');
    expect(iptables).not.toMatch(/fd00|cp6s-web|icmp6/);
    expect(ip6tables).toContain('-d ::1/128');
    expect(ip6tables).not.toMatch(/ 10\.|cp4s-|--icmp-type/);
    // The explicit family rules go to one file each.
    expect(iptables).toContain('"s:test:family-4"');
    expect(iptables).not.toContain('"s:test:family-6"');
    expect(ip6tables).toContain('"s:test:family-6"');
  });

  it('merges family lists into a chain that split gives back (any order of single-family rules)', () => {
    const sets = new Map();
    const a = (id: string, extra: Rule['matches'] = []) => rule(extra, [{ kind: 'accept' }], id);
    const four: Rule['matches'] = [{ kind: 'family', version: 4 }];
    const six: Rule['matches'] = [{ kind: 'family', version: 6 }];
    const net4: Rule['matches'] = [{ kind: 'sourceNet', version: 4, nets: ['10.0.0.0/8'], negate: false }];
    const chains: Rule[][] = [
      [a('x', four), a('x'), a('y', six), a('x', six)],
      [a('s'), a('b', six), a('a', four), a('s')],
      [a('n', net4), a('p', six), a('q', four), a('q')],
    ];
    for (const rules of chains) {
      const { v4, v6 } = splitFamilies(rules, sets);
      const merged = mergeFamilies(v4, v6, sets);
      expect(splitFamilies(merged, sets)).toEqual({ v4, v6 });
    }
  });

  it('is deterministic: the same program in another order gives the same bytes', () => {
    const program = everythingProgram();
    const shuffled: Program = {
      hooks: [...program.hooks].reverse(),
      chains: [...program.chains].reverse(),
      sets: [...program.sets].reverse().map((s) => ({ ...s, elements: [...s.elements].reverse() })),
      maps: [...program.maps].reverse(),
    };
    expect(emitIptables(lowerForIptables(shuffled))).toEqual(emitIptables(lowerForIptables(program)));
    expect(emitIptables(lowerForIptables(structuredClone(program)))).toEqual(emitIptables(lowerForIptables(program)));
  });

  it('writes only the tables used, each ending in COMMIT, and declares every chain it fills', () => {
    const { iptables } = emitIptables(lowerForIptables(emptyHookProgram()));
    expect(iptables.split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      '*filter',
      ':calpol-FORWARD - [0:0]',
      ':cp-forward - [0:0]',
      '-A calpol-FORWARD -m comment --comment "calpol-hook:priority=0" -j cp-forward',
      'COMMIT',
      '',
    ]);
    const text = emitIptables(lowerForIptables(everythingProgram())).iptables;
    const tables = text.split('\n').filter((l) => l.startsWith('*'));
    expect(tables).toEqual(['*raw', '*mangle', '*filter', '*nat']);
    for (const table of text.split(/^\*/m).slice(1)) {
      expect(table.trimEnd().endsWith('COMMIT')).toBe(true);
      const declared = new Set([...table.matchAll(/^:(\S+) - \[0:0\]$/gm)].map((m) => m[1]));
      for (const [, chain] of table.matchAll(/^-A (\S+) /gm)) expect(declared.has(chain)).toBe(true);
    }
  });

  it('writes a policy drop as the last rule of the calpol chain under the built-in chain', () => {
    const { iptables } = emitIptables(lowerForIptables(everythingProgram()));
    expect(iptables).toContain('-A calpol-FORWARD -m comment --comment "calpol-hook:priority=0" -j cp-forward\n-A calpol-FORWARD -m comment --comment "calpol-hook:policy=drop" -j DROP\n');
  });

  it('writes the attach script: one checked insert per built-in chain and family', () => {
    const { attach, detach } = emitIptables(lowerForIptables(everythingProgram()));
    const lines = attach.split('\n').filter((l) => l.startsWith('attach '));
    expect(lines).toContain('attach "$ipt4" filter FORWARD calpol-FORWARD');
    expect(lines).toContain('attach "$ipt6" nat POSTROUTING calpol-POSTROUTING');
    expect(lines).toHaveLength(10);
    expect(attach).toContain('-C "$3" -m comment --comment calpol -j "$4" 2>/dev/null ||');
    expect(detach).toContain('detach "$ipt4" raw PREROUTING calpol-PREROUTING');
    expect(detach).toContain('ipset destroy cp4s-web');
  });

  it('writes ipsets through a swap, and reads them back', () => {
    const lowered = lowerForIptables(everythingProgram());
    const { ipsets } = emitIptables(lowered);
    expect(ipsets).toContain('create cp4s-all hash:net family inet maxelem 1048576 -exist');
    expect(ipsets).toContain('add calpol-tmp-net4 0.0.0.0/1\nadd calpol-tmp-net4 128.0.0.0/1\nswap calpol-tmp-net4 cp4s-all');
    expect(ipsets).toContain('create cp4n-http hash:net,port family inet maxelem 1048576 -exist');
    expect(ipsets).toContain('add calpol-tmp-port4 10.65.1.10,tcp:8080');
    expect(ipsets).toContain('add calpol-tmp-port4 10.65.3.0/24,sctp:9');
    expect(ipsets).not.toContain('icmp');
    expect(ipsets).toContain('add calpol-tmp-port6 fd00::2,udplite:53');
    expect(ipsets.trimEnd().split('\n').slice(-4)).toEqual(['destroy calpol-tmp-net4', 'destroy calpol-tmp-net6', 'destroy calpol-tmp-port4', 'destroy calpol-tmp-port6']);
    expect(lowered.sets.find((s) => s.name === 'cp6s-web')?.elements).toEqual(['fd00::/64', 'fd01::1/128']);
  });

  it('refuses to emit what is not lowered, and to decode what it did not write', () => {
    expect(() => emitIptables(everythingProgram())).toThrow(/lowered first/);
    const text = emitIptables(lowerForIptables(emptyHookProgram()));
    expect(() => decodeIptables({ ...text, iptables: `${text.iptables.replace('COMMIT', '-A cp-forward -j FOO --bar\nCOMMIT')}` })).toThrow(/cannot read/);
    expect(() => decodeIptables({ ...text, iptables: text.iptables.replace('COMMIT', '') })).toThrow(/no COMMIT/);
    expect(() => decodeIptables({ ...text, ip6tables: text.ip6tables.replace('-j cp-forward', '-j other') })).toThrow(/hook different chains/);
  });
});
