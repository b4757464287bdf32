import type { AddressSet, Match, PortRange } from '../../ir/index.js';
import type { NftExpr, NftMatchStatement, NftMetaExpr, NftPayloadExpr, NftStatement } from './json-types.js';
import { assertInterfaceName, parseAddress } from './text-safety.js';

/** Protocols whose first four transport-header bytes are the source and destination ports. */
export const PORT_PROTOCOLS: readonly number[] = [6, 17, 132];

export const meta = (key: NftMetaExpr['meta']['key']): NftMetaExpr => ({ meta: { key } });
export const payload = (protocol: NftPayloadExpr['payload']['protocol'], field: NftPayloadExpr['payload']['field']): NftPayloadExpr => ({
  payload: { protocol, field },
});
const match = (left: NftExpr, right: NftExpr, negate: boolean): NftMatchStatement => ({ match: { op: negate ? '!=' : '==', left, right } });

/** One value as it is, several as an anonymous set (a plain JSON array would be a bitmask). */
function oneOrSet(values: NftExpr[], what: string): NftExpr {
  if (values.length === 0) throw new Error(`bug: empty ${what} list in an IR match (nft has no empty anonymous set)`);
  return values.length === 1 ? (values[0] as NftExpr) : { set: values };
}

export function addressExpr(text: string, version: 4 | 6): NftExpr {
  const { addr, len } = parseAddress(text, version);
  return len === undefined ? addr : { prefix: { addr, len } };
}

function portExpr(range: PortRange): NftExpr {
  const valid = (port: number) => Number.isInteger(port) && port >= 0 && port <= 65535;
  if (!valid(range.min) || !valid(range.max) || range.min > range.max) {
    throw new Error(`bug: invalid port range ${range.min}-${range.max} in the IR`);
  }
  return range.min === range.max ? range.min : { range: [range.min, range.max] };
}

/**
 * `th sport/dport` reads bytes 0-3 of whatever transport header the packet has and, unlike
 * `tcp dport`, gets no implicit protocol dependency from nft (nftables-json.md §3): an
 * ICMP packet's checksum would be compared as a "port". The IR says only packets of a
 * protocol with ports match a port match, negated too, so a rule that does not already
 * require such a protocol gets `meta l4proto in {6, 17, 132}` in front of the port match.
 * It is written with op `in` (IR protocol matches use `==`/`!=`) so the decoder can tell
 * the two apart and drop the dependency again.
 */
export const PORT_DEPENDENCY: NftMatchStatement = { match: { op: 'in', left: meta('l4proto'), right: { set: [...PORT_PROTOCOLS] } } };

export function requiresPortProtocol(matches: readonly Match[]): boolean {
  return matches.some((m) => m.kind === 'protocol' && !m.negate && m.protocols.length > 0 && m.protocols.every((p) => PORT_PROTOCOLS.includes(p)));
}

export interface SetLookup {
  (name: string): AddressSet | undefined;
}

function setRef(lookup: SetLookup, name: string, named: boolean): { set: AddressSet; ref: string } {
  const set = lookup(name);
  if (!set) throw new Error(`bug: a rule refers to set ${JSON.stringify(name)}, which the program does not define`);
  if (set.type.endsWith('-named-port') !== named) {
    throw new Error(`bug: set ${JSON.stringify(name)} of type ${set.type} used as ${named ? 'a named-port set' : 'an address set'}`);
  }
  return { set, ref: `@${name}` };
}

const ipProtocol = (version: 4 | 6) => (version === 4 ? 'ip' : 'ip6');
const versionOf = (set: AddressSet): 4 | 6 => (set.type.startsWith('ipv4') ? 4 : 6);

/**
 * ICMP: `icmp type` (and `icmpv6 type`) come with nft's implicit `meta nfproto` and
 * `meta l4proto` dependency, so other protocols never match, negated or not — as the IR
 * wants. A negated type AND code must mean "not (type T and code C)" (iptables'
 * `! --icmp-type T/C`); nft's `icmp type != T icmp code != C` would mean "type ≠ T and
 * code ≠ C" (Calico's nftables quirk, docs/calico-semantics.md §5.6). A concatenation looked up
 * in a one-element anonymous set negates the pair as a whole:
 * `icmp type . icmp code != { T . C }` (checked with `nft --debug=netlink`: the
 * dependency, then one inverted lookup of both bytes).
 */
function lowerIcmp(m: Extract<Match, { kind: 'icmp' }>): NftStatement[] {
  const protocol = m.version === 4 ? 'icmp' : 'icmpv6';
  const byte = (value: number, what: string) => {
    if (!Number.isInteger(value) || value < 0 || value > 255) throw new Error(`bug: ICMP ${what} ${value} out of range in the IR`);
    return value;
  };
  const type = byte(m.type, 'type');
  if (m.code === undefined) return [match(payload(protocol, 'type'), type, m.negate)];
  const code = byte(m.code, 'code');
  if (!m.negate) return [match(payload(protocol, 'type'), type, false), match(payload(protocol, 'code'), code, false)];
  const pair = { concat: [payload(protocol, 'type'), payload(protocol, 'code')] };
  return [match(pair, { set: [{ concat: [type, code] }] }, true)];
}

function lowerPorts(m: Extract<Match, { kind: 'sourcePort' | 'destinationPort' }>, guarded: boolean): NftStatement[] {
  const field = m.kind === 'sourcePort' ? 'sport' : 'dport';
  const statement = match(payload('th', field), oneOrSet(m.ranges.map(portExpr), 'port'), m.negate);
  return guarded ? [statement] : [PORT_DEPENDENCY, statement];
}

/**
 * Named ports: `ip daddr . meta l4proto . th dport @set`. The protocol is part of the
 * looked-up key and the set holds only port protocols, so a positive match needs no
 * dependency; a negated one matches every other packet of the family, ICMP included —
 * as the IR (and iptables' `! --match-set` on hash:ip,port) has it, so none is added.
 */
function lowerNamedPort(m: Extract<Match, { kind: 'sourceNamedPort' | 'destinationNamedPort' }>, sets: SetLookup): NftStatement {
  const { set, ref } = setRef(sets, m.set, true);
  const source = m.kind === 'sourceNamedPort';
  const left = { concat: [payload(ipProtocol(versionOf(set)), source ? 'saddr' : 'daddr'), meta('l4proto'), payload('th', source ? 'sport' : 'dport')] };
  return match(left, ref, m.negate);
}

const CT_STATES = new Set(['new', 'established', 'related', 'invalid', 'untracked']);

/**
 * Match kinds → statements. `ct state` is a bitmask type: `ct state != established,related`
 * (a plain list) compiles to `cmp neq 6`, true for every packet; an anonymous set is a
 * real (inverted) lookup, so lists are always sets.
 */
export function lowerMatch(m: Match, context: { sets: SetLookup; portGuarded: boolean }): NftStatement[] {
  switch (m.kind) {
    case 'family':
      return [match(meta('nfproto'), m.version === 4 ? 'ipv4' : 'ipv6', false)];
    case 'ctState':
      for (const state of m.states) if (!CT_STATES.has(state)) throw new Error(`bug: unknown conntrack state ${JSON.stringify(state)}`);
      return [match({ ct: { key: 'state' } }, oneOrSet([...m.states], 'conntrack state'), m.negate)];
    case 'inInterface':
    case 'outInterface': {
      const names = m.names.map(assertInterfaceName);
      return [match(meta(m.kind === 'inInterface' ? 'iifname' : 'oifname'), oneOrSet(names, 'interface'), m.negate)];
    }
    case 'protocol':
      for (const p of m.protocols) if (!Number.isInteger(p) || p < 0 || p > 255) throw new Error(`bug: protocol ${p} out of range`);
      return [match(meta('l4proto'), oneOrSet([...m.protocols], 'protocol'), m.negate)];
    case 'sourceNet':
    case 'destinationNet': {
      const left = payload(ipProtocol(m.version), m.kind === 'sourceNet' ? 'saddr' : 'daddr');
      return [match(left, oneOrSet(m.nets.map((net) => addressExpr(net, m.version)), 'net'), m.negate)];
    }
    case 'sourceSet':
    case 'destinationSet': {
      const { set, ref } = setRef(context.sets, m.set, false);
      return [match(payload(ipProtocol(versionOf(set)), m.kind === 'sourceSet' ? 'saddr' : 'daddr'), ref, m.negate)];
    }
    case 'sourcePort':
    case 'destinationPort':
      return lowerPorts(m, context.portGuarded);
    case 'sourceNamedPort':
    case 'destinationNamedPort':
      return [lowerNamedPort(m, context.sets)];
    case 'icmp':
      return lowerIcmp(m);
    case 'mark':
      return [match({ '&': [meta('mark'), u32(m.mask, 'mark mask')] }, u32(m.value, 'mark value'), m.negate)];
  }
}

export function u32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`bug: ${what} ${value} is not a 32-bit unsigned integer`);
  return value;
}
