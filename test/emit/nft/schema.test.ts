import { describe, expect, it } from 'vitest';
import { emitNft } from '../../../src/emit/nft/index.js';
import { emptyHookProgram, everythingProgram } from './programs.js';
import { schemaValidator } from './helpers.js';

const validate = schemaValidator();

const table = { family: 'inet', name: 'calpol' };
const baseChain = { family: 'inet', table: 'calpol', name: 'cp-forward', type: 'filter', hook: 'forward', prio: 0, policy: 'accept' };
const rule = (expr: unknown[], extra: object = {}) => ({ add: { rule: { family: 'inet', table: 'calpol', chain: 'cp-forward', comment: 's:x', expr, ...extra } } });
const accept = { accept: null };
const doc = (...commands: unknown[]) => ({ nftables: [{ add: { table } }, { add: { chain: baseChain } }, ...commands] });

describe('schema/nftables-calpol.schema.json', () => {
  it('accepts every document emitNft writes', () => {
    for (const program of [everythingProgram(), emptyHookProgram()]) {
      const result = validate(emitNft(program));
      expect(result.errors).toEqual([]);
      expect(result.valid).toBe(true);
    }
  });

  it('accepts a minimal hand-written document', () => {
    expect(validate(doc(rule([accept]))).valid).toBe(true);
    expect(validate(doc(rule([{ counter: null }, accept]), rule([{ counter: { packets: 0, bytes: 0 } }]))).valid).toBe(true);
  });

  // Each of these is something libnftables accepts silently (or fails on with a poor message).
  const bad: [string, unknown][] = [
    ['a bare array at the root', [{ add: { table } }]],
    ['another root key', { nftables: [], extra: 1 }],
    ['a base chain without prio', doc({ add: { chain: { ...baseChain, name: 'x', prio: undefined } } })],
    ['a base chain with priority spelled out', { nftables: [{ add: { chain: { family: 'inet', table: 'calpol', name: 'x', type: 'filter', hook: 'input', priority: 0, policy: 'accept' } } }] }],
    ['a base chain with a string prio', doc({ add: { chain: { ...baseChain, name: 'x', prio: 'filter' } } })],
    ['a base chain without policy', doc({ add: { chain: { ...baseChain, name: 'x', policy: undefined } } })],
    ['string flags', doc({ add: { set: { family: 'inet', table: 'calpol', name: 's', type: 'ipv4_addr', flags: 'interval' } } })],
    ['an unknown key in a rule', doc(rule([accept], { bogus: 1 }))],
    ['an unknown key in a chain', doc({ add: { chain: { ...baseChain, name: 'x', comment: 'x' } } })],
    ['an empty expr', doc(rule([]))],
    ['a comment over 128 bytes', doc(rule([accept], { comment: 'x'.repeat(129) }))],
    ['a comment with a quote', doc(rule([accept], { comment: 'a"b' }))],
    ['a rule without comment', { nftables: [{ add: { rule: { family: 'inet', table: 'calpol', chain: 'c', expr: [accept] } } }] }],
    ['a command object with two keys', { nftables: [{ add: { table }, delete: { table } }] }],
    ['an add with two objects', { nftables: [{ add: { table, chain: baseChain } }] }],
    ['an empty anonymous set', doc(rule([{ match: { op: '==', left: { meta: { key: 'l4proto' } }, right: { set: [] } } }, accept]))],
    ['a plain array on the right (a bitmask in nft)', doc(rule([{ match: { op: '==', left: { payload: { protocol: 'th', field: 'dport' } }, right: [80, 443] } }, accept]))],
    ['a match without op', doc(rule([{ match: { left: { meta: { key: 'l4proto' } }, right: 6 } }, accept]))],
    ['an empty counter object', doc(rule([{ counter: {} }]))],
    ['an unknown statement', doc(rule([{ allow: null }]))],
    ['a statement object with two keys', doc(rule([{ accept: null, drop: null }]))],
    ['a name of 256 characters', { nftables: [{ add: { table: { family: 'inet', name: 'x'.repeat(256) } } }] }],
    ['a name with a space', { nftables: [{ add: { table: { family: 'inet', name: 'a b' } } }] }],
    ['another family', { nftables: [{ add: { table: { family: 'ip', name: 'calpol' } } }] }],
    ['destroy (not in nft 1.0.6)', { nftables: [{ destroy: { table } }] }],
    ['metainfo version 2', { nftables: [{ metainfo: { json_schema_version: 2 } }] }],
    ['a prefix length as a string', doc(rule([{ match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: { prefix: { addr: '10.0.0.0', len: '8' } } } }, accept]))],
    ['an empty set elem list', doc({ add: { set: { family: 'inet', table: 'calpol', name: 's', type: 'ipv4_addr', elem: [] } } })],
    ['a map element that is not a pair', doc({ add: { map: { family: 'inet', table: 'calpol', name: 'm', type: 'ifname', map: 'verdict', elem: [['cali1', { goto: { target: 'c' } }, 1]] } } })],
    ['a map element with accept', doc({ add: { map: { family: 'inet', table: 'calpol', name: 'm', type: 'ifname', map: 'verdict', elem: [['cali1', { accept: null }]] } } })],
  ];

  it.each(bad)('rejects %s', (_name, document) => {
    // undefined values are dropped as JSON would drop them
    expect(validate(JSON.parse(JSON.stringify(document))).valid).toBe(false);
  });
});
