import type { Action, AddressSet, CtState, Match, PortRange } from '../../ir/index.js';
import { expectArray, expectInteger, expectKeys, expectString, isObject, NftDecodeError, onlyEntry, type Json } from './decode-errors.js';
import { PORT_PROTOCOLS } from './lower-match.js';
import { logPrefixFromText, parseAddress } from './text-safety.js';

/**
 * Reads a rule's `expr` back into IR matches and actions: the exact forms lower-match.ts
 * and lower-action.ts write, nothing else (other valid nft is rejected with its path).
 */

export interface RuleContext {
  sets: ReadonlyMap<string, AddressSet>;
  maps: { has(name: string): boolean };
  chains: { has(name: string): boolean };
}

type Op = '==' | '!=' | 'in';
interface MatchParts {
  op: Op;
  left: Json;
  right: Json;
  path: string;
}

const isMeta = (expr: Json, key: string) => isObject(expr) && isObject(expr.meta) && expr.meta.key === key && Object.keys(expr).length === 1;
const payloadOf = (expr: Json): { protocol: string; field: string } | undefined => {
  if (!isObject(expr) || !isObject(expr.payload) || Object.keys(expr).length !== 1) return undefined;
  const { protocol, field } = expr.payload;
  return typeof protocol === 'string' && typeof field === 'string' ? { protocol, field } : undefined;
};

/** A single value, or the items of an anonymous set (never empty). */
function values(right: Json, path: string): { items: Json[]; path: (i: number) => string } {
  if (isObject(right) && 'set' in right) {
    const items = expectArray(expectKeys(right, path, ['set']).set, `${path}.set`);
    if (items.length === 0) throw new NftDecodeError(`${path}.set`, 'empty anonymous set');
    return { items, path: (i) => `${path}.set[${i}]` };
  }
  return { items: [right], path: () => path };
}

function negation(parts: MatchParts): boolean {
  if (parts.op === 'in') throw new NftDecodeError(`${parts.path}.op`, '"in" is only used for the port-protocol dependency');
  return parts.op === '!=';
}

function addressText(expr: Json, version: 4 | 6, path: string): string {
  if (typeof expr === 'string') return `${parseChecked(expr, version, path).addr}`;
  const prefix = expectKeys(expectKeys(expr, path, ['prefix']).prefix, `${path}.prefix`, ['addr', 'len']);
  const addr = expectString(prefix.addr, `${path}.prefix.addr`);
  const len = expectInteger(prefix.len, `${path}.prefix.len`, 0, version === 4 ? 32 : 128);
  return `${parseChecked(addr, version, `${path}.prefix.addr`).addr}/${len}`;
}

function parseChecked(text: string, version: 4 | 6, path: string): { addr: string } {
  if (text.includes('/')) throw new NftDecodeError(path, 'a prefix must be a prefix object');
  try {
    return parseAddress(text, version);
  } catch {
    throw new NftDecodeError(path, `not an IPv${version} address`);
  }
}

function portRange(expr: Json, path: string): PortRange {
  if (typeof expr === 'number') {
    const port = expectInteger(expr, path, 0, 65535);
    return { min: port, max: port };
  }
  const range = expectArray(expectKeys(expr, path, ['range']).range, `${path}.range`);
  if (range.length !== 2) throw new NftDecodeError(`${path}.range`, 'expected [min, max]');
  return { min: expectInteger(range[0], `${path}.range[0]`, 0, 65535), max: expectInteger(range[1], `${path}.range[1]`, 0, 65535) };
}

function setNamed(right: Json, path: string, context: RuleContext, named: boolean): AddressSet {
  const ref = expectString(right, path);
  const set = ref.startsWith('@') ? context.sets.get(ref.slice(1)) : undefined;
  if (!set) throw new NftDecodeError(path, `expected a reference to a set defined earlier, found ${JSON.stringify(ref)}`);
  if (set.type.endsWith('-named-port') !== named) throw new NftDecodeError(path, `set ${set.name} has the wrong type for this match`);
  return set;
}

const versionOf = (set: AddressSet) => (set.type.startsWith('ipv4') ? 4 : 6);
const ipVersionOf = (protocol: string): 4 | 6 | undefined => (protocol === 'ip' ? 4 : protocol === 'ip6' ? 6 : undefined);

function decodeAddressMatch(parts: MatchParts, protocol: string, field: string, context: RuleContext): Match {
  const version = ipVersionOf(protocol) as 4 | 6;
  const source = field === 'saddr';
  if (field !== 'saddr' && field !== 'daddr') throw new NftDecodeError(`${parts.path}.left`, `unexpected field ${protocol} ${field}`);
  const negate = negation(parts);
  if (typeof parts.right === 'string' && parts.right.startsWith('@')) {
    const set = setNamed(parts.right, `${parts.path}.right`, context, false);
    if (versionOf(set) !== version) throw new NftDecodeError(`${parts.path}.right`, `set ${set.name} is not of family ${protocol}`);
    return { kind: source ? 'sourceSet' : 'destinationSet', set: set.name, negate };
  }
  const { items, path } = values(parts.right, `${parts.path}.right`);
  const nets = items.map((item, i) => addressText(item, version, path(i)));
  return { kind: source ? 'sourceNet' : 'destinationNet', version, nets, negate };
}

function decodeIcmp(parts: MatchParts, protocol: string, field: string, next: MatchParts | undefined): { match: Match; used: number } {
  const version = protocol === 'icmp' ? 4 : 6;
  if (field !== 'type') throw new NftDecodeError(`${parts.path}.left`, `${protocol} ${field} without a preceding ${protocol} type`);
  const negate = negation(parts);
  const type = expectInteger(parts.right, `${parts.path}.right`, 0, 255);
  const nextPayload = next ? payloadOf(next.left) : undefined;
  if (!negate && next && next.op === '==' && nextPayload?.protocol === protocol && nextPayload.field === 'code') {
    return { match: { kind: 'icmp', version, type, code: expectInteger(next.right, `${next.path}.right`, 0, 255), negate: false }, used: 2 };
  }
  return { match: { kind: 'icmp', version, type, negate }, used: 1 };
}

/** `icmp type . icmp code != { T . C }` (negated pair) or `ip daddr . meta l4proto . th dport @set` (named port). */
function decodeConcat(parts: MatchParts, items: Json[], context: RuleContext): Match {
  const [first, second, third] = items.map(payloadOf);
  if (items.length === 2 && first && second && (first.protocol === 'icmp' || first.protocol === 'icmpv6')) {
    if (first.field !== 'type' || second.protocol !== first.protocol || second.field !== 'code' || parts.op !== '!=') {
      throw new NftDecodeError(`${parts.path}`, 'expected icmp type . icmp code != { T . C }');
    }
    const set = values(parts.right, `${parts.path}.right`);
    const pair = set.items.length === 1 ? set.items[0] : undefined;
    const concat = isObject(pair) ? expectArray(expectKeys(pair, set.path(0), ['concat']).concat, `${set.path(0)}.concat`) : [];
    if (concat.length !== 2) throw new NftDecodeError(`${parts.path}.right`, 'expected one {T . C} element');
    const type = expectInteger(concat[0], `${set.path(0)}.concat[0]`, 0, 255);
    const code = expectInteger(concat[1], `${set.path(0)}.concat[1]`, 0, 255);
    return { kind: 'icmp', version: first.protocol === 'icmp' ? 4 : 6, type, code, negate: true };
  }
  const address = first && ipVersionOf(first.protocol) !== undefined ? first : undefined;
  const ports = third?.protocol === 'th' ? third : undefined;
  if (items.length !== 3 || !address || !isMeta(items[1] as Json, 'l4proto') || !ports) {
    throw new NftDecodeError(`${parts.path}.left`, 'unexpected concatenation');
  }
  const source = address.field === 'saddr' && ports.field === 'sport';
  if (!source && !(address.field === 'daddr' && ports.field === 'dport')) throw new NftDecodeError(`${parts.path}.left`, 'mixed source and destination fields');
  const set = setNamed(parts.right, `${parts.path}.right`, context, true);
  if (versionOf(set) !== ipVersionOf(address.protocol)) throw new NftDecodeError(`${parts.path}.right`, `set ${set.name} is of another family`);
  return { kind: source ? 'sourceNamedPort' : 'destinationNamedPort', set: set.name, negate: negation(parts) };
}

const CT_STATES: readonly string[] = ['new', 'established', 'related', 'invalid', 'untracked'];

function decodeMeta(parts: MatchParts, key: string): Match {
  const { items, path } = values(parts.right, `${parts.path}.right`);
  switch (key) {
    case 'nfproto': {
      if (parts.op !== '==' || (parts.right !== 'ipv4' && parts.right !== 'ipv6')) throw new NftDecodeError(parts.path, 'expected meta nfproto == ipv4|ipv6');
      return { kind: 'family', version: parts.right === 'ipv4' ? 4 : 6 };
    }
    case 'iifname':
    case 'oifname': {
      const names = items.map((item, i) => expectString(item, path(i)));
      return { kind: key === 'iifname' ? 'inInterface' : 'outInterface', names, negate: negation(parts) };
    }
    case 'l4proto': {
      const protocols = items.map((item, i) => expectInteger(item, path(i), 0, 255));
      return { kind: 'protocol', protocols, negate: negation(parts) };
    }
  }
  throw new NftDecodeError(`${parts.path}.left`, `unexpected meta ${key}`);
}

const isPortDependency = (parts: MatchParts) =>
  parts.op === 'in' && isMeta(parts.left, 'l4proto') && JSON.stringify(parts.right) === JSON.stringify({ set: PORT_PROTOCOLS });

function decodeOneMatch(parts: MatchParts, next: MatchParts | undefined, context: RuleContext): { match: Match; used: number } {
  const { left, path } = parts;
  const single = (match: Match) => ({ match, used: 1 });
  if (isObject(left) && 'ct' in left) {
    if (!isObject(left.ct) || left.ct.key !== 'state') throw new NftDecodeError(`${path}.left`, 'expected ct state');
    const { items, path: at } = values(parts.right, `${path}.right`);
    const states = items.map((item, i) => {
      const state = expectString(item, at(i));
      if (!CT_STATES.includes(state)) throw new NftDecodeError(at(i), `unknown conntrack state ${JSON.stringify(state)}`);
      return state as CtState;
    });
    return single({ kind: 'ctState', states, negate: negation(parts) });
  }
  if (isObject(left) && 'meta' in left && isObject(left.meta)) return single(decodeMeta(parts, String(left.meta.key)));
  if (isObject(left) && '&' in left) {
    const [value, mask] = expectArray(left['&'], `${path}.left.&`);
    if (!isMeta(value as Json, 'mark')) throw new NftDecodeError(`${path}.left`, 'expected meta mark & MASK');
    const maskValue = expectInteger(mask, `${path}.left.&[1]`, 0, 0xffffffff);
    return single({ kind: 'mark', mask: maskValue, value: expectInteger(parts.right, `${path}.right`, 0, 0xffffffff), negate: negation(parts) });
  }
  if (isObject(left) && 'concat' in left) return single(decodeConcat(parts, expectArray(left.concat, `${path}.left.concat`), context));
  const field = payloadOf(left);
  if (!field) throw new NftDecodeError(`${path}.left`, 'unexpected expression');
  if (ipVersionOf(field.protocol) !== undefined) return single(decodeAddressMatch(parts, field.protocol, field.field, context));
  if (field.protocol === 'icmp' || field.protocol === 'icmpv6') return decodeIcmp(parts, field.protocol, field.field, next);
  if (field.protocol === 'th' && (field.field === 'sport' || field.field === 'dport')) {
    const { items, path: at } = values(parts.right, `${path}.right`);
    const ranges = items.map((item, i) => portRange(item, at(i)));
    return single({ kind: field.field === 'sport' ? 'sourcePort' : 'destinationPort', ranges, negate: negation(parts) });
  }
  throw new NftDecodeError(`${path}.left`, `unexpected ${field.protocol} ${field.field}`);
}

function matchParts(statement: Json, path: string): MatchParts | undefined {
  if (!isObject(statement) || !('match' in statement)) return undefined;
  const body = expectKeys(statement.match, `${path}.match`, ['op', 'left', 'right']);
  const op = body.op;
  if (op !== '==' && op !== '!=' && op !== 'in') throw new NftDecodeError(`${path}.match.op`, 'expected ==, != or in');
  return { op, left: body.left as Json, right: body.right as Json, path: `${path}.match` };
}

/** One rule's `expr`: matches (with the port dependency dropped), then actions. */
export function decodeStatements(expr: Json[], path: string, context: RuleContext): { matches: Match[]; actions: Action[] } {
  const matches: Match[] = [];
  const actions: Action[] = [];
  let i = 0;
  for (; i < expr.length; ) {
    const parts = matchParts(expr[i] as Json, `${path}[${i}]`);
    if (!parts) break;
    const next = matchParts(expr[i + 1] as Json, `${path}[${i + 1}]`);
    if (isPortDependency(parts)) {
      const port = next ? payloadOf(next.left) : undefined;
      if (port?.protocol !== 'th') throw new NftDecodeError(parts.path, 'the port-protocol dependency must precede a th port match');
      i += 1;
      continue;
    }
    const decoded = decodeOneMatch(parts, next, context);
    matches.push(decoded.match);
    i += decoded.used;
  }
  for (; i < expr.length; i++) {
    if (actions.length > 0 && !['setMark', 'log', 'notrack'].includes((actions.at(-1) as Action).kind)) {
      throw new NftDecodeError(`${path}[${i}]`, 'statement after a verdict');
    }
    actions.push(decodeAction(expr[i] as Json, `${path}[${i}]`, context));
  }
  return { matches, actions };
}

function chainTarget(body: Json, path: string, context: RuleContext): string {
  const target = expectString(expectKeys(body, path, ['target']).target, `${path}.target`);
  if (!context.chains.has(target)) throw new NftDecodeError(`${path}.target`, `unknown chain ${JSON.stringify(target)}`);
  return target;
}

function decodeMangle(body: Json, path: string): Action {
  const { key, value } = expectKeys(body, path, ['key', 'value']);
  const or = isObject(value) ? expectArray(expectKeys(value, `${path}.value`, ['|'])['|'], `${path}.value.|`) : [];
  const and = isObject(or[0]) ? expectArray(expectKeys(or[0], `${path}.value.|[0]`, ['&'])['&'], `${path}.value.|[0].&`) : [];
  if (!isMeta(key as Json, 'mark') || or.length !== 2 || and.length !== 2 || !isMeta(and[0] as Json, 'mark')) {
    throw new NftDecodeError(path, 'expected meta mark set meta mark & KEEP | VALUE');
  }
  const keep = expectInteger(and[1], `${path}.value.|[0].&[1]`, 0, 0xffffffff);
  return { kind: 'setMark', mask: ~keep >>> 0, value: expectInteger(or[1], `${path}.value.|[1]`, 0, 0xffffffff) };
}

function decodeAction(statement: Json, path: string, context: RuleContext): Action {
  const [kind, body] = onlyEntry(statement, path);
  const at = `${path}.${kind}`;
  const none = () => {
    if (body !== null) throw new NftDecodeError(at, 'expected null');
  };
  switch (kind) {
    case 'accept':
    case 'drop':
    case 'return':
    case 'reject':
    case 'notrack':
    case 'masquerade':
      none();
      return { kind };
    case 'jump':
    case 'goto':
      return { kind, target: chainTarget(body, at, context) };
    case 'log':
      return { kind: 'log', prefix: logPrefixFromText(expectString(expectKeys(body, at, ['prefix']).prefix, `${at}.prefix`)) };
    case 'mangle':
      return decodeMangle(body, at);
    case 'vmap': {
      const { key, data } = expectKeys(body, at, ['key', 'data']);
      const on = isMeta(key as Json, 'iifname') ? 'inInterface' : isMeta(key as Json, 'oifname') ? 'outInterface' : undefined;
      const ref = expectString(data, `${at}.data`);
      if (!on || !ref.startsWith('@') || !context.maps.has(ref.slice(1))) throw new NftDecodeError(at, 'expected iifname/oifname vmap @<map defined earlier>');
      return { kind: 'dispatch', on, map: ref.slice(1) };
    }
  }
  throw new NftDecodeError(path, `unexpected statement ${JSON.stringify(kind)}`);
}
