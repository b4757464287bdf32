import { describe, expect, it } from 'vitest';
import { commentForOrigin, commentToOriginId, decodeNft, emitNft, formatNftJson, originLookupFor, originKeyForMap, originKeyForSet, type NftCommand, type NftDocument, type NftRuleObject } from '../../../src/emit/nft/index.js';
import type { Hook, Match, Program, Rule } from '../../../src/ir/index.js';
import { emptyHookProgram, everythingProgram, LONG_ID, NASTY_IDS, withIdOnlyOrigins } from './programs.js';

const rulesOf = (document: NftDocument): NftRuleObject[] =>
  document.nftables.flatMap((command) => ('add' in command && 'rule' in command.add ? [command.add.rule] : []));
const kindOf = (command: NftCommand): string => Object.keys(command)[0] + ' ' + Object.keys(Object.values(command)[0] as object)[0];

/** The statements one rule with these matches and actions lowers to. */
function lowered(matches: Match[], actions: Rule['actions'] = [{ kind: 'accept' }], program: Partial<Program> = {}) {
  const base = everythingProgram();
  const chain = { name: 'cp-x', rules: [{ matches, actions, origin: { id: 's:x' } }] };
  const document = emitNft({ ...base, ...program, chains: [...base.chains, chain] });
  return rulesOf(document).find((rule) => rule.chain === 'cp-x')?.expr;
}

describe('emitNft: document structure', () => {
  const program = everythingProgram();
  const document = emitNft(program);

  it('replaces only its own table, then adds sets, chains, maps and rules in that order', () => {
    const kinds = document.nftables.map(kindOf);
    expect(kinds.slice(0, 4)).toEqual(['metainfo json_schema_version', 'add table', 'delete table', 'add table']);
    const phase = (kind: string) => ['add set', 'add chain', 'add map', 'add rule'].indexOf(kind);
    const phases = kinds.slice(4).map(phase);
    expect(phases).not.toContain(-1);
    expect(phases).toEqual([...phases].sort((a, b) => a - b));
    for (const command of document.nftables) {
      if ('metainfo' in command) continue;
      const object = Object.values(Object.values(command)[0] as object)[0] as { family: string; table?: string; name?: string };
      expect(object.family).toBe('inet');
      expect(object.table ?? object.name).toBe('calpol');
    }
  });

  it('writes base chains with type, hook, integer prio and policy; regular chains with none', () => {
    const chains = document.nftables.flatMap((c) => ('add' in c && 'chain' in c.add ? [c.add.chain] : []));
    expect(chains.find((c) => c.name === 'cp-raw-pre')).toEqual({ family: 'inet', table: 'calpol', name: 'cp-raw-pre', type: 'filter', hook: 'prerouting', prio: -300, policy: 'accept' });
    expect(chains.find((c) => c.name === 'cp-mangle-pre')).toMatchObject({ type: 'filter', prio: -150 });
    expect(chains.find((c) => c.name === 'cp-nat-post')).toMatchObject({ type: 'nat', hook: 'postrouting', prio: 100 });
    expect(chains.find((c) => c.name === 'cp-forward')).toMatchObject({ type: 'filter', hook: 'forward', prio: 0, policy: 'drop' });
    expect(chains.find((c) => c.name === 'cp-pi-web')).toEqual({ family: 'inet', table: 'calpol', name: 'cp-pi-web' });
  });

  it('writes hook chains’ rules first, in hook order', () => {
    const order = [...new Set(rulesOf(document).map((rule) => rule.chain))];
    expect(order.slice(0, 5)).toEqual(program.hooks.map((hook) => hook.chain));
  });

  it('uses another table name when asked', () => {
    const other = emitNft(program, { table: 'calpol-test' });
    expect(other.nftables[1]).toEqual({ add: { table: { family: 'inet', name: 'calpol-test' } } });
    expect(decodeNft(other, originLookupFor(program))).toEqual(program);
  });

  it('writes sets with interval flags as arrays, maps with an interval flag only for wildcards', () => {
    const sets = document.nftables.flatMap((c) => ('add' in c && 'set' in c.add ? [c.add.set] : []));
    expect(sets.find((s) => s.name === 'cp4s-web')).toEqual({
      family: 'inet',
      table: 'calpol',
      name: 'cp4s-web',
      type: 'ipv4_addr',
      flags: ['interval'],
      elem: [{ prefix: { addr: '10.65.1.10', len: 32 } }, { prefix: { addr: '10.65.2.0', len: 24 } }],
    });
    expect(sets.find((s) => s.name === 'cp4s-empty')).not.toHaveProperty('elem');
    expect(sets.find((s) => s.name === 'cp4n-http')).toEqual({
      family: 'inet',
      table: 'calpol',
      name: 'cp4n-http',
      type: ['ipv4_addr', 'inet_proto', 'inet_service'],
      elem: [{ concat: ['10.65.1.10', 6, 8080] }, { concat: ['10.65.1.11', 17, 53] }],
    });
    const maps = document.nftables.flatMap((c) => ('add' in c && 'map' in c.add ? [c.add.map] : []));
    expect(maps[0]).toEqual({ family: 'inet', table: 'calpol', name: 'cp-m-from-wl', type: 'ifname', map: 'verdict', elem: [['cali1', { goto: { target: 'cp-fw-cali1' } }]] });
    expect(maps[1]?.flags).toEqual(['interval']);
  });
});

describe('emitNft: lowering', () => {
  it('guards th ports with one l4proto dependency unless the rule requires a port protocol', () => {
    const dependency = { match: { op: 'in', left: { meta: { key: 'l4proto' } }, right: { set: [6, 17, 132] } } };
    const sport = { match: { op: '==', left: { payload: { protocol: 'th', field: 'sport' } }, right: 5 } };
    const dport = { match: { op: '!=', left: { payload: { protocol: 'th', field: 'dport' } }, right: { set: [80, { range: [8000, 8080] }] } } };
    const ports: Match[] = [
      { kind: 'sourcePort', ranges: [{ min: 5, max: 5 }], negate: false },
      { kind: 'destinationPort', ranges: [{ min: 80, max: 80 }, { min: 8000, max: 8080 }], negate: true },
    ];
    expect(lowered(ports)).toEqual([dependency, sport, dport, { accept: null }]);
    const tcp: Match = { kind: 'protocol', protocols: [6], negate: false };
    expect(lowered([tcp, ...ports])).toEqual([{ match: { op: '==', left: { meta: { key: 'l4proto' } }, right: 6 } }, sport, dport, { accept: null }]);
    // Not a port-protocol requirement: negated, or a list with ICMP in it.
    expect(lowered([{ ...tcp, negate: true }, ports[0] as Match])?.[1]).toEqual(dependency);
    expect(lowered([{ kind: 'protocol', protocols: [6, 1], negate: false }, ports[0] as Match])?.[1]).toEqual(dependency);
  });

  it('negates an ICMP type and code as a pair (one concatenation lookup)', () => {
    const pair = { concat: [{ payload: { protocol: 'icmp', field: 'type' } }, { payload: { protocol: 'icmp', field: 'code' } }] };
    expect(lowered([{ kind: 'icmp', version: 4, type: 8, code: 0, negate: true }])?.[0]).toEqual({ match: { op: '!=', left: pair, right: { set: [{ concat: [8, 0] }] } } });
    expect(lowered([{ kind: 'icmp', version: 6, type: 128, code: 0, negate: false }])).toEqual([
      { match: { op: '==', left: { payload: { protocol: 'icmpv6', field: 'type' } }, right: 128 } },
      { match: { op: '==', left: { payload: { protocol: 'icmpv6', field: 'code' } }, right: 0 } },
      { accept: null },
    ]);
  });

  it('writes conntrack state lists as anonymous sets (a plain list is a bitmask: != would match everything)', () => {
    expect(lowered([{ kind: 'ctState', states: ['established', 'related'], negate: true }])?.[0]).toEqual({
      match: { op: '!=', left: { ct: { key: 'state' } }, right: { set: ['established', 'related'] } },
    });
  });

  it('writes marks as masked compares and mask-and-or updates', () => {
    expect(lowered([{ kind: 'mark', mask: 0xffff0000, value: 0x10000, negate: true }], [{ kind: 'setMark', mask: 0x30000, value: 0x20000 }])).toEqual([
      { match: { op: '!=', left: { '&': [{ meta: { key: 'mark' } }, 0xffff0000] }, right: 0x10000 } },
      { mangle: { key: { meta: { key: 'mark' } }, value: { '|': [{ '&': [{ meta: { key: 'mark' } }, 0xfffcffff] }, 0x20000] } } },
    ]);
  });

  it('writes named ports as address . l4proto . port lookups without a dependency', () => {
    expect(lowered([{ kind: 'sourceNamedPort', set: 'cp6n-http', negate: true }])?.[0]).toEqual({
      match: {
        op: '!=',
        left: { concat: [{ payload: { protocol: 'ip6', field: 'saddr' } }, { meta: { key: 'l4proto' } }, { payload: { protocol: 'th', field: 'sport' } }] },
        right: '@cp6n-http',
      },
    });
  });

  it('writes interfaces, nets and protocols: one value as is, several as an anonymous set', () => {
    expect(lowered([{ kind: 'inInterface', names: ['cali*'], negate: false }, { kind: 'destinationNet', version: 6, nets: ['fd00::/8', '::1'], negate: true }])).toEqual([
      { match: { op: '==', left: { meta: { key: 'iifname' } }, right: 'cali*' } },
      { match: { op: '!=', left: { payload: { protocol: 'ip6', field: 'daddr' } }, right: { set: [{ prefix: { addr: 'fd00::', len: 8 } }, '::1'] } } },
      { accept: null },
    ]);
  });
});

describe('decodeNft(emitNft(p))', () => {
  it('gives back the program, origins included, with the lookup', () => {
    const program = everythingProgram();
    expect(decodeNft(emitNft(program), originLookupFor(program))).toEqual(program);
    expect(decodeNft(JSON.parse(formatNftJson(emitNft(program))), originLookupFor(program))).toStrictEqual(program);
  });

  it('gives back origin ids from the comments without a lookup', () => {
    const program = everythingProgram();
    const decoded = decodeNft(emitNft(program));
    const expected = withIdOnlyOrigins(program);
    expected.sets = program.sets.map((set) => ({ ...set, origin: { id: originKeyForSet(set.name) } }));
    expected.maps = program.maps.map((map) => ({ ...map, origin: { id: originKeyForMap(map.name) } }));
    // Ids longer than a comment come back as the cut comment (the lookup's key for them).
    for (const chain of expected.chains) {
      for (const rule of chain.rules) rule.origin = { id: commentToOriginId(commentForOrigin(rule.origin.id)) ?? commentForOrigin(rule.origin.id) };
    }
    expect(decoded).toEqual(expected);
    const cut = decoded.chains.flatMap((c) => c.rules).filter((r) => r.origin.id !== commentToOriginId(commentForOrigin(r.origin.id)));
    expect(cut.map((r) => r.origin.id)).toEqual([commentForOrigin(LONG_ID), commentForOrigin(NASTY_IDS[7] as string)]);
  });

  it('round-trips a hook chain without rules', () => {
    const program = emptyHookProgram();
    expect(decodeNft(emitNft(program), originLookupFor(program))).toEqual(program);
  });

  it('round-trips every rule alone (hook chains without rules come back last)', () => {
    const program = everythingProgram();
    for (const chain of program.chains) {
      for (const rule of chain.rules) {
        const single: Program = { ...program, chains: program.chains.map((c) => (c === chain ? { ...c, rules: [rule] } : { ...c, rules: [] })) };
        const withRules = (hook: Hook) => single.chains.some((c) => c.name === hook.chain && c.rules.length > 0);
        const byDeclaration = (a: Hook, b: Hook) => single.chains.findIndex((c) => c.name === a.chain) - single.chains.findIndex((c) => c.name === b.chain);
        const hooks = [...single.hooks.filter(withRules), ...single.hooks.filter((h) => !withRules(h)).sort(byDeclaration)];
        expect(decodeNft(emitNft(single), originLookupFor(single))).toEqual({ ...single, hooks });
      }
    }
  });
});

describe('emitNft: determinism', () => {
  it('gives the same bytes for the same program, whatever the key order of its objects', () => {
    const a = formatNftJson(emitNft(everythingProgram()));
    const reversed = JSON.parse(JSON.stringify(everythingProgram()), function (this: unknown, _key, value: unknown) {
      if (value && typeof value === 'object' && !Array.isArray(value)) return Object.fromEntries(Object.entries(value).reverse());
      return value;
    }) as Program;
    expect(formatNftJson(emitNft(reversed))).toBe(a);
    expect(formatNftJson(emitNft(everythingProgram()))).toBe(a);
    expect(a.endsWith('}\n')).toBe(true);
    // One command per line.
    expect(a.split('\n')[0]).toBe('{"nftables": [');
    expect(a.split('\n')[1]).toBe('{"metainfo":{"json_schema_version":1}},');
  });

  it('prints keys in its fixed order', () => {
    const text = formatNftJson({ nftables: [{ add: { rule: { expr: [{ accept: null }], comment: 'c', chain: 'x', table: 't', family: 'inet' } } }] });
    const keys = [...text.matchAll(/"(\w+)":/g)].map((m) => m[1]);
    expect(keys).toEqual(['nftables', 'add', 'rule', 'family', 'table', 'chain', 'comment', 'expr', 'accept']);
  });
});

describe('emitNft: IR the backend refuses (bugs upstream)', () => {
  const base = everythingProgram();
  const withRule = (rule: Rule): Program => ({ ...base, chains: [...base.chains, { name: 'cp-x', rules: [rule] }] });
  const cases: [string, () => Program, RegExp][] = [
    ['unsafe chain name', () => ({ ...base, chains: [...base.chains, { name: 'x y', rules: [] }] }), /unsafe chain name/],
    ['unsafe set name', () => ({ ...base, sets: [{ ...(base.sets[0] as Program['sets'][number]), name: 'a;b' }] }), /unsafe set name/],
    ['unsafe interface', () => withRule({ matches: [{ kind: 'inInterface', names: ['eth0"; drop'], negate: false }], actions: [], origin: { id: 'x' } }), /unsafe interface/],
    ['empty OR-list', () => withRule({ matches: [{ kind: 'sourceNet', version: 4, nets: [], negate: false }], actions: [], origin: { id: 'x' } }), /empty net list/],
    ['bad address', () => withRule({ matches: [{ kind: 'sourceNet', version: 4, nets: ['10.0.0.1; drop'], negate: false }], actions: [], origin: { id: 'x' } }), /not an IPv4/],
    ['verdict before a statement', () => withRule({ matches: [], actions: [{ kind: 'accept' }, { kind: 'log', prefix: 'x' }], origin: { id: 'x' } }), /not the last action/],
    ['empty rule', () => withRule({ matches: [], actions: [], origin: { id: 'x' } }), /neither matches nor actions/],
    ['jump to a base chain', () => withRule({ matches: [], actions: [{ kind: 'jump', target: 'cp-forward' }], origin: { id: 'x' } }), /not a regular chain/],
    ['unknown set', () => withRule({ matches: [{ kind: 'sourceSet', set: 'nope', negate: false }], actions: [], origin: { id: 'x' } }), /does not define/],
    ['raw at a non-standard priority', () => ({ ...base, hooks: base.hooks.map((h) => (h.table === 'raw' ? { ...h, priority: -200 } : h)) }), /needs -300/],
    ['IPv4 and IPv6 in one rule', () => withRule({ matches: [{ kind: 'sourceNet', version: 4, nets: ['10.0.0.1'], negate: false }, { kind: 'destinationSet', set: 'cp6s-web', negate: true }], actions: [], origin: { id: 'x' } }), /both IPv4 and IPv6/],
    ['icmp and icmpv6 in one rule', () => withRule({ matches: [{ kind: 'icmp', version: 4, type: 8, negate: false }, { kind: 'icmp', version: 6, type: 128, negate: true }], actions: [], origin: { id: 'x' } }), /both IPv4 and IPv6/],
    ['a protocol list next to ICMP', () => withRule({ matches: [{ kind: 'protocol', protocols: [1, 6], negate: false }, { kind: 'icmp', version: 4, type: 8, negate: false }], actions: [], origin: { id: 'x' } }), /other than 1 next to an ICMP match/],
    ['a chain on two hooks', () => ({ ...base, hooks: [...base.hooks, { table: 'filter', hook: 'output', priority: 0, chain: 'cp-forward', policy: 'accept' }] }), /two hooks/],
  ];
  it.each(cases)('%s', (_name, make, message) => {
    expect(() => emitNft(make())).toThrow(message);
  });
});
