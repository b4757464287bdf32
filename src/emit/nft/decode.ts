import { isIPv4, isIPv6 } from 'node:net';
import type { AddressSet, Chain, Hook, InterfaceMap, Origin, Program, SetType } from '../../ir/index.js';
import { isHookName, tableKindOf } from './base-chains.js';
import { expectArray, expectInteger, expectKeys, expectString, NftDecodeError, onlyEntry, type Json, type JsonObject } from './decode-errors.js';
import { decodeStatements, type RuleContext } from './decode-rule.js';
import { commentForOrigin, commentToOriginId, isCalpolComment } from './text-safety.js';

/**
 * Where decoded rules, sets and maps get their Origin. Rules carry their origin id in the
 * comment: the lookup is called with that id, or — when the id was too long and the
 * comment is a cut form — with the comment itself (build keys with commentForOrigin).
 * nft 1.0.6 keeps no comment on sets or maps given as JSON, so those are looked up by
 * `originKeyForSet(name)` / `originKeyForMap(name)`. Without a lookup, or when it returns
 * undefined, the origin is `{ id }` with what the document holds.
 */
export type OriginLookup = (id: string) => Origin | undefined;

export const originKeyForSet = (name: string) => `@set:${name}`;
export const originKeyForMap = (name: string) => `@map:${name}`;

/** The lookup that restores every origin of `program` when decoding what emitNft wrote for it. */
export function originLookupFor(program: Program): OriginLookup {
  const byKey = new Map<string, Origin>();
  for (const rule of program.chains.flatMap((chain) => chain.rules)) {
    byKey.set(rule.origin.id, rule.origin);
    byKey.set(commentForOrigin(rule.origin.id), rule.origin);
  }
  for (const set of program.sets) byKey.set(originKeyForSet(set.name), set.origin);
  for (const map of program.maps) byKey.set(originKeyForMap(map.name), map.origin);
  return (id) => byKey.get(id);
}

interface Decoding {
  table?: string;
  program: Program;
  chains: Map<string, Chain>;
  sets: Map<string, AddressSet>;
  maps: Set<string>;
  /** Base chains in declaration order, and the order their first rule appears in. */
  baseChains: Map<string, Hook>;
  hookOrder: Set<string>;
  origins: OriginLookup;
}

function checkTable(decoding: Decoding, object: JsonObject, key: 'name' | 'table', path: string): void {
  if (object.family !== 'inet') throw new NftDecodeError(`${path}.family`, 'expected "inet"');
  const table = expectString(object[key], `${path}.${key}`);
  if (decoding.table === undefined) decoding.table = table;
  else if (decoding.table !== table) throw new NftDecodeError(`${path}.${key}`, `a second table ${JSON.stringify(table)} (calpol writes one)`);
}

function decodeChain(decoding: Decoding, body: Json, path: string): void {
  const object = expectKeys(body, path, ['family', 'table', 'name'], ['type', 'hook', 'prio', 'policy']);
  checkTable(decoding, object, 'table', path);
  const name = expectString(object.name, `${path}.name`);
  if (decoding.chains.has(name)) throw new NftDecodeError(`${path}.name`, `chain ${name} is added twice`);
  const chain: Chain = { name, rules: [] };
  decoding.chains.set(name, chain);
  decoding.program.chains.push(chain);
  if (!('type' in object || 'hook' in object || 'prio' in object || 'policy' in object)) return;
  const base = expectKeys(object, path, ['family', 'table', 'name', 'type', 'hook', 'prio', 'policy']);
  const type = base.type;
  if (type !== 'filter' && type !== 'nat') throw new NftDecodeError(`${path}.type`, 'expected "filter" or "nat"');
  if (!isHookName(base.hook)) throw new NftDecodeError(`${path}.hook`, 'unknown hook');
  const priority = expectInteger(base.prio, `${path}.prio`, -0x7fffffff, 0x7fffffff);
  if (base.policy !== 'accept' && base.policy !== 'drop') throw new NftDecodeError(`${path}.policy`, 'expected "accept" or "drop"');
  decoding.baseChains.set(name, { table: tableKindOf(type, priority), hook: base.hook, priority, chain: name, policy: base.policy });
}

function setTypeOf(type: Json, path: string): SetType {
  switch (JSON.stringify(type)) {
    case '"ipv4_addr"':
      return 'ipv4';
    case '"ipv6_addr"':
      return 'ipv6';
    case '["ipv4_addr","inet_proto","inet_service"]':
      return 'ipv4-named-port';
    case '["ipv6_addr","inet_proto","inet_service"]':
      return 'ipv6-named-port';
  }
  throw new NftDecodeError(path, 'unexpected set type');
}

function elementText(element: Json, path: string, named: boolean, version: 4 | 6): string {
  const checked = (text: string, at: string) => {
    if (text.includes('/') || !(version === 4 ? isIPv4(text) : isIPv6(text))) throw new NftDecodeError(at, `not an IPv${version} address`);
    return text;
  };
  const address = (expr: Json, at: string) => {
    if (typeof expr === 'string') return checked(expr, at);
    const prefix = expectKeys(expectKeys(expr, at, ['prefix']).prefix, `${at}.prefix`, ['addr', 'len']);
    const addr = checked(expectString(prefix.addr, `${at}.prefix.addr`), `${at}.prefix.addr`);
    return `${addr}/${expectInteger(prefix.len, `${at}.prefix.len`, 0, version === 4 ? 32 : 128)}`;
  };
  if (!named) return address(element, path);
  const parts = expectArray(expectKeys(element, path, ['concat']).concat, `${path}.concat`);
  if (parts.length !== 3) throw new NftDecodeError(`${path}.concat`, 'expected [address, protocol, port]');
  const protocol = expectInteger(parts[1], `${path}.concat[1]`, 0, 255);
  const port = expectInteger(parts[2], `${path}.concat[2]`, 0, 65535);
  return `${address(parts[0] as Json, `${path}.concat[0]`)},${protocol},${port}`;
}

function decodeSet(decoding: Decoding, body: Json, path: string): void {
  const object = expectKeys(body, path, ['family', 'table', 'name', 'type'], ['flags', 'elem']);
  checkTable(decoding, object, 'table', path);
  const name = expectString(object.name, `${path}.name`);
  if (decoding.sets.has(name)) throw new NftDecodeError(`${path}.name`, `set ${name} is added twice`);
  const type = setTypeOf(object.type as Json, `${path}.type`);
  const version = type.startsWith('ipv4') ? 4 : 6;
  const elements = 'elem' in object ? expectArray(object.elem, `${path}.elem`) : [];
  const set: AddressSet = {
    name,
    type,
    elements: elements.map((element, i) => elementText(element, `${path}.elem[${i}]`, type.endsWith('-named-port'), version)),
    origin: decoding.origins(originKeyForSet(name)) ?? { id: originKeyForSet(name) },
  };
  decoding.sets.set(name, set);
  decoding.program.sets.push(set);
}

function decodeMap(decoding: Decoding, body: Json, path: string): void {
  const object = expectKeys(body, path, ['family', 'table', 'name', 'type', 'map'], ['flags', 'elem']);
  checkTable(decoding, object, 'table', path);
  const name = expectString(object.name, `${path}.name`);
  if (object.type !== 'ifname' || object.map !== 'verdict') throw new NftDecodeError(path, 'expected an ifname : verdict map');
  if (decoding.maps.has(name)) throw new NftDecodeError(`${path}.name`, `map ${name} is added twice`);
  const entries: InterfaceMap['entries'] = ('elem' in object ? expectArray(object.elem, `${path}.elem`) : []).map((element, i) => {
    const at = `${path}.elem[${i}]`;
    const pair = expectArray(element, at);
    if (pair.length !== 2) throw new NftDecodeError(at, 'expected [interface, verdict]');
    const [verdict, target] = onlyEntry(pair[1], `${at}[1]`);
    if (verdict !== 'jump' && verdict !== 'goto') throw new NftDecodeError(`${at}[1]`, 'expected jump or goto');
    const chain = expectString(expectKeys(target, `${at}[1].${verdict}`, ['target']).target, `${at}[1].${verdict}.target`);
    if (!decoding.chains.has(chain)) throw new NftDecodeError(`${at}[1]`, `chain ${chain} is not added before the map`);
    return { interface: expectString(pair[0], `${at}[0]`), verdict, target: chain };
  });
  decoding.maps.add(name);
  decoding.program.maps.push({ name, entries, origin: decoding.origins(originKeyForMap(name)) ?? { id: originKeyForMap(name) } });
}

function ruleOrigin(decoding: Decoding, comment: string, path: string): Origin {
  if (!isCalpolComment(comment)) throw new NftDecodeError(path, 'not a comment calpol writes');
  const id = commentToOriginId(comment);
  if (id !== undefined) return decoding.origins(id) ?? { id };
  return decoding.origins(comment) ?? { id: comment };
}

function decodeRule(decoding: Decoding, body: Json, path: string): void {
  const object = expectKeys(body, path, ['family', 'table', 'chain', 'comment', 'expr']);
  checkTable(decoding, object, 'table', path);
  const name = expectString(object.chain, `${path}.chain`);
  const chain = decoding.chains.get(name);
  if (!chain) throw new NftDecodeError(`${path}.chain`, `chain ${name} is not added before its rules`);
  const expr = expectArray(object.expr, `${path}.expr`);
  if (expr.length === 0) throw new NftDecodeError(`${path}.expr`, 'empty (nft would create no rule)');
  const context: RuleContext = { sets: decoding.sets, maps: decoding.maps, chains: decoding.chains };
  const { matches, actions } = decodeStatements(expr, `${path}.expr`, context);
  chain.rules.push({ matches, actions, origin: ruleOrigin(decoding, expectString(object.comment, `${path}.comment`), `${path}.comment`) });
  if (decoding.baseChains.has(name)) decoding.hookOrder.add(name);
}

function decodeCommand(decoding: Decoding, command: Json, path: string): void {
  const [verb, body] = onlyEntry(command, path);
  if (verb === 'metainfo') {
    const info = expectKeys(body, `${path}.metainfo`, ['json_schema_version']);
    expectInteger(info.json_schema_version, `${path}.metainfo.json_schema_version`, 1, 1);
    return;
  }
  if (verb !== 'add' && verb !== 'delete') throw new NftDecodeError(path, `unexpected command ${JSON.stringify(verb)}`);
  const [kind, object] = onlyEntry(body, `${path}.${verb}`);
  const at = `${path}.${verb}.${kind}`;
  if (kind === 'table') return checkTable(decoding, expectKeys(object, at, ['family', 'name']), 'name', at);
  if (verb === 'delete') throw new NftDecodeError(at, 'calpol deletes only its table');
  if (kind === 'chain') return decodeChain(decoding, object, at);
  if (kind === 'set') return decodeSet(decoding, object, at);
  if (kind === 'map') return decodeMap(decoding, object, at);
  if (kind === 'rule') return decodeRule(decoding, object, at);
  throw new NftDecodeError(at, `unexpected object ${JSON.stringify(kind)}`);
}

/**
 * Reads a document emitNft wrote back into the program it came from:
 * `decodeNft(emitNft(p), originLookupFor(p))` deep-equals `p`. Hooks come back in the
 * order their chains' rules appear (emitNft writes hook chains' rules first, in hook
 * order); a hook chain without rules comes after the others. Throws NftDecodeError on
 * anything outside what emitNft writes.
 */
export function decodeNft(document: unknown, origins?: OriginLookup): Program {
  const root = expectKeys(document, '$', ['nftables']);
  const decoding: Decoding = {
    program: { hooks: [], chains: [], sets: [], maps: [] },
    chains: new Map(),
    sets: new Map(),
    maps: new Set(),
    baseChains: new Map(),
    hookOrder: new Set(),
    origins: origins ?? (() => undefined),
  };
  expectArray(root.nftables, 'nftables').forEach((command, i) => decodeCommand(decoding, command, `nftables[${i}]`));
  const order = [...decoding.hookOrder, ...[...decoding.baseChains.keys()].filter((name) => !decoding.hookOrder.has(name))];
  decoding.program.hooks = order.map((name) => decoding.baseChains.get(name) as Hook);
  return decoding.program;
}
