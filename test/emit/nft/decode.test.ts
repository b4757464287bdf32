import { describe, expect, it } from 'vitest';
import { decodeNft, emitNft, NftDecodeError, originLookupFor } from '../../../src/emit/nft/index.js';
import type { Origin } from '../../../src/ir/index.js';
import { everythingProgram, LONG_ID } from './programs.js';

const table = { family: 'inet', name: 'calpol' };
const chain = { family: 'inet', table: 'calpol', name: 'c' };
const rule = (expr: unknown[], comment = 's:x') => ({ add: { rule: { family: 'inet', table: 'calpol', chain: 'c', comment, expr } } });
const doc = (...commands: unknown[]) => ({ nftables: [{ add: { table } }, { add: { chain } }, ...commands] });
const l4 = { meta: { key: 'l4proto' } };
const dport = { payload: { protocol: 'th', field: 'dport' } };

function decodeError(document: unknown): NftDecodeError {
  try {
    decodeNft(document);
  } catch (error) {
    if (error instanceof NftDecodeError) return error;
    throw error;
  }
  throw new Error('decoded without an error');
}

describe('decodeNft', () => {
  it('reads a minimal document', () => {
    expect(decodeNft(doc(rule([{ accept: null }])))).toEqual({
      hooks: [],
      chains: [{ name: 'c', rules: [{ matches: [], actions: [{ kind: 'accept' }], origin: { id: 's:x' } }] }],
      sets: [],
      maps: [],
    });
  });

  it('asks the lookup for rule ids, cut comments, sets and maps', () => {
    const program = everythingProgram();
    const asked: string[] = [];
    const lookup = originLookupFor(program);
    decodeNft(emitNft(program), (id) => {
      asked.push(id);
      return lookup(id);
    });
    expect(asked).toContain('p:np/default/web:i:0');
    expect(asked).toContain('@set:cp4s-web');
    expect(asked).toContain('@map:cp-m-to-wl');
    expect(asked.some((id) => id.includes('~') && id.startsWith(LONG_ID.slice(0, 40)))).toBe(true);
  });

  it('keeps what the lookup returns', () => {
    const origin: Origin = { id: 's:x', tier: 't', policy: 'gnp/p', direction: 'egress', ruleIndex: 3 };
    expect(decodeNft(doc(rule([{ drop: null }])), (id) => (id === 's:x' ? origin : undefined)).chains[0]?.rules[0]?.origin).toBe(origin);
  });

  const foreign: [string, unknown, string][] = [
    ['a bare array', [], '$'],
    ['two tables', { nftables: [{ add: { table } }, { add: { table: { family: 'inet', name: 'other' } } }] }, 'nftables[1].add.table.name'],
    ['another family', { nftables: [{ add: { table: { family: 'ip', name: 'calpol' } } }] }, 'nftables[0].add.table.family'],
    ['flush ruleset', { nftables: [{ flush: { ruleset: null } }] }, 'nftables[0]'],
    ['a rule in an undeclared chain', { nftables: [{ add: { table } }, rule([{ accept: null }])] }, 'nftables[1].add.rule.chain'],
    ['a two-key command', { nftables: [{ add: { table }, delete: { table } }] }, 'nftables[0]'],
    ['an empty expr', doc(rule([])), 'nftables[2].add.rule.expr'],
    ['a foreign comment', doc(rule([{ accept: null }], 'hello world')), 'nftables[2].add.rule.comment'],
    ['an unknown statement', doc(rule([{ counter: null }])), 'nftables[2].add.rule.expr[0]'],
    ['a statement after a verdict', doc(rule([{ accept: null }, { drop: null }])), 'nftables[2].add.rule.expr[1]'],
    ['a match after an action', doc(rule([{ notrack: null }, { match: { op: '==', left: l4, right: 6 } }])), 'nftables[2].add.rule.expr[1]'],
    ['a bitmask list', doc(rule([{ match: { op: '==', left: l4, right: [6, 17] } }])), 'nftables[2].add.rule.expr[0].match.right'],
    ['an empty anonymous set', doc(rule([{ match: { op: '==', left: l4, right: { set: [] } } }])), 'nftables[2].add.rule.expr[0].match.right.set'],
    ['a protocol by name', doc(rule([{ match: { op: '==', left: l4, right: 'tcp' } }])), 'nftables[2].add.rule.expr[0].match.right'],
    ['a lone port dependency', doc(rule([{ match: { op: 'in', left: l4, right: { set: [6, 17, 132] } } }, { accept: null }])), 'nftables[2].add.rule.expr[0].match'],
    ['in with something else', doc(rule([{ match: { op: 'in', left: l4, right: { set: [6] } } }, { match: { op: '==', left: dport, right: 1 } }])), 'nftables[2].add.rule.expr[0].match.op'],
    ['a port out of range', doc(rule([{ match: { op: '==', left: dport, right: 70000 } }])), 'nftables[2].add.rule.expr[0].match.right'],
    ['tcp dport', doc(rule([{ match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 80 } }])), 'nftables[2].add.rule.expr[0].match.left'],
    ['a prefix as a string', doc(rule([{ match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: '10.0.0.0/8' } }])), 'nftables[2].add.rule.expr[0].match.right'],
    ['an IPv6 address on ip saddr', doc(rule([{ match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: '::1' } }])), 'nftables[2].add.rule.expr[0].match.right'],
    ['an undefined set', doc(rule([{ match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: '@nope' } }])), 'nftables[2].add.rule.expr[0].match.right'],
    ['icmp code alone', doc(rule([{ match: { op: '==', left: { payload: { protocol: 'icmp', field: 'code' } }, right: 0 } }])), 'nftables[2].add.rule.expr[0].match.left'],
    ['a jump to an unknown chain', doc(rule([{ jump: { target: 'nope' } }])), 'nftables[2].add.rule.expr[0].jump.target'],
    ['a vmap on an unknown map', doc(rule([{ vmap: { key: { meta: { key: 'iifname' } }, data: '@nope' } }])), 'nftables[2].add.rule.expr[0].vmap'],
    ['a base chain without prio', { nftables: [{ add: { table } }, { add: { chain: { ...chain, type: 'filter', hook: 'input', policy: 'accept' } } }] }, 'nftables[1].add.chain'],
    ['a set element of the other family', doc({ add: { set: { family: 'inet', table: 'calpol', name: 's', type: 'ipv4_addr', flags: ['interval'], elem: ['::1'] } } }), 'nftables[2].add.set.elem[0]'],
    ['a set of another type', doc({ add: { set: { family: 'inet', table: 'calpol', name: 's', type: 'ether_addr' } } }), 'nftables[2].add.set.type'],
    ['a map to a later chain', { nftables: [{ add: { table } }, { add: { map: { family: 'inet', table: 'calpol', name: 'm', type: 'ifname', map: 'verdict', elem: [['x', { goto: { target: 'c' } }]] } } }] }, 'nftables[1].add.map.elem[0][1]'],
  ];

  it.each(foreign)('rejects %s, pointing at %s', (_name, document, path) => {
    const error = decodeError(document);
    expect(error.path).toBe(path);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
  });
});
