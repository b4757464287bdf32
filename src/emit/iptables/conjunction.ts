import type { CtState, Match, PortRange } from '../../ir/index.js';
import { disjointCidrs, formatCidr, intersectCidrs, cidrContains, mustParseCidr, type Cidr } from './cidr.js';
import { matchFamily, type SetTypes } from './family.js';
import { assertInterfaceName, disjointInterfaces, interfaceCovers, intersectInterfaces } from './interfaces.js';
import { intersectRanges, mergeRanges, subtractRanges } from './ports.js';

/**
 * A rule's matches (an AND of OR-lists) rewritten into one canonical conjunction with the
 * same meaning, per field:
 * - positive OR-lists of one field are intersected, negated ones united (¬A ∧ ¬B = ¬(A ∨ B));
 * - every list is made pairwise disjoint (no CIDR inside another, no interface name a
 *   wildcard covers, ports merged), so at most one alternative matches a packet — the
 *   property that lets an OR become several rules, one per alternative, for ANY action;
 * - negated entries a positive entry already excludes are dropped, and positive entries a
 *   negated one covers are dropped (ports: positive minus negated);
 * - the protocol is reduced to the candidates a packet can have: port matches need
 *   tcp/udp/sctp (IR: "only packets of a protocol with ports can match, negated too"), an
 *   ICMP match needs icmp/icmpv6, minus the negated protocols;
 * - the family is the one every family-bound match agrees on (a net, a set, an ICMP match
 *   or `family`, negated or not: `! -s 10.0.0.0/8` is an IPv4 match).
 * A conjunction no packet can satisfy is 'never' (the rule is dropped).
 */

/** Protocols whose packets carry ports (the evaluator's PORT_PROTOCOLS). */
export const PORT_PROTOCOLS: readonly number[] = [6, 17, 132];
export const ICMP_PROTOCOL = { 4: 1, 6: 58 } as const;
const CT_ORDER: readonly CtState[] = ['invalid', 'new', 'related', 'established', 'untracked'];

/** A positive OR-list (absent: no constraint) and the entries none of which may match. */
export interface Field<T> {
  positive?: T[];
  negated: T[];
}

export type Protocols = { only: number[] } | { except: number[] };

export interface Conjunction {
  family?: 4 | 6;
  protocols: Protocols;
  sourceNet: Field<Cidr>;
  destinationNet: Field<Cidr>;
  inInterface: Field<string>;
  outInterface: Field<string>;
  sourcePort: Field<PortRange>;
  destinationPort: Field<PortRange>;
  /** Matches kept as they are (sets, named ports, ICMP, conntrack, marks), in rule order. */
  others: Match[];
}

export const NEVER = 'never' as const;

function familyOf(matches: readonly Match[], sets: SetTypes): 4 | 6 | undefined | typeof NEVER {
  let family: 4 | 6 | undefined;
  for (const match of matches) {
    const version = matchFamily(match, sets);
    if (version === undefined) continue;
    if (family !== undefined && family !== version) return NEVER;
    family = version;
  }
  return family;
}

function protocolsOf(matches: readonly Match[]): Protocols | typeof NEVER {
  let only: Set<number> | undefined;
  const except = new Set<number>();
  const restrict = (allowed: readonly number[]) => {
    only = new Set(allowed.filter((p) => only === undefined || only.has(p)));
  };
  for (const match of matches) {
    if (match.kind === 'protocol') {
      const bad = match.protocols.find((p) => !Number.isInteger(p) || p < 1 || p > 255);
      if (bad !== undefined) throw new Error(`iptables: protocol ${bad} cannot be written (1-255; -p 0 means any)`);
      if (match.negate) match.protocols.forEach((p) => except.add(p));
      else restrict(match.protocols);
    }
    if (match.kind === 'sourcePort' || match.kind === 'destinationPort') restrict(PORT_PROTOCOLS);
    if (match.kind === 'icmp') restrict([ICMP_PROTOCOL[match.version]]);
  }
  if (only === undefined) return { except: [...except].sort((a, b) => a - b) };
  const candidates = [...only].filter((p) => !except.has(p)).sort((a, b) => a - b);
  return candidates.length === 0 ? NEVER : { only: candidates };
}

interface ListOps<T> {
  disjoint(items: readonly T[]): T[];
  intersect(a: readonly T[], b: readonly T[]): T[];
  covers(outer: T, inner: T): boolean;
  same(a: T, b: T): boolean;
}

const CIDR_OPS: ListOps<Cidr> = {
  disjoint: disjointCidrs,
  intersect: intersectCidrs,
  covers: cidrContains,
  same: (a, b) => a.value === b.value && a.length === b.length,
};
const INTERFACE_OPS: ListOps<string> = {
  disjoint: disjointInterfaces,
  intersect: intersectInterfaces,
  covers: interfaceCovers,
  same: (a, b) => a === b,
};

/** Combines the OR-lists of one field (see the file comment). */
function fieldOf<T>(lists: { items: T[]; negate: boolean }[], ops: ListOps<T>): Field<T> | typeof NEVER {
  let positive: T[] | undefined;
  let negated: T[] = [];
  for (const list of lists) {
    if (list.negate) negated = ops.disjoint([...negated, ...list.items]);
    else positive = positive === undefined ? ops.disjoint(list.items) : ops.intersect(positive, list.items);
  }
  if (positive === undefined) return { negated };
  positive = positive.filter((p) => !negated.some((n) => ops.covers(n, p)));
  if (positive.length === 0) return NEVER;
  const kept = positive;
  negated = negated.filter((n) => kept.some((p) => ops.covers(p, n) && !ops.same(p, n)));
  return { positive, negated };
}

function portFieldOf(matches: readonly Match[], kind: 'sourcePort' | 'destinationPort'): Field<PortRange> | typeof NEVER {
  let positive: PortRange[] | undefined;
  let negated: PortRange[] = [];
  for (const match of matches) {
    if (match.kind !== kind) continue;
    if (match.negate) negated = mergeRanges([...negated, ...match.ranges]);
    else positive = positive === undefined ? mergeRanges(match.ranges) : intersectRanges(positive, match.ranges);
  }
  if (positive === undefined) return { negated };
  positive = subtractRanges(positive, negated);
  return positive.length === 0 ? NEVER : { positive, negated: [] };
}

function netLists(matches: readonly Match[], kind: 'sourceNet' | 'destinationNet') {
  return matches.flatMap((m) => {
    if (m.kind !== kind) return [];
    const items = m.nets.map(mustParseCidr);
    const stray = items.find((cidr) => cidr.version !== m.version);
    if (stray) throw new Error(`iptables: ${kind} of IPv${m.version} holds ${formatCidr(stray)}`);
    return [{ items, negate: m.negate }];
  });
}

function interfaceLists(matches: readonly Match[], kind: 'inInterface' | 'outInterface') {
  return matches.flatMap((m) => (m.kind === kind ? [{ items: m.names.map(assertInterfaceName), negate: m.negate }] : []));
}

/** A kept match in canonical form, or undefined when it always holds, or NEVER. */
function otherMatch(match: Match): Match | undefined | typeof NEVER {
  switch (match.kind) {
    case 'ctState': {
      const states = CT_ORDER.filter((s) => match.states.includes(s));
      if (states.length === 0) return match.negate ? undefined : NEVER;
      return { kind: 'ctState', states, negate: match.negate };
    }
    case 'mark': {
      const mask = match.mask >>> 0;
      const value = match.value >>> 0;
      if ((value & ~mask) >>> 0 !== 0) return match.negate ? undefined : NEVER;
      return { kind: 'mark', mask, value, negate: match.negate };
    }
    case 'icmp':
      if (match.type > 254 || (match.code !== undefined && match.code > 255)) {
        throw new Error(`iptables: ICMP type ${match.type}/${match.code ?? ''} cannot be written (type 255 means "any" to iptables)`);
      }
      return match.code === undefined
        ? { kind: 'icmp', version: match.version, type: match.type, negate: match.negate }
        : { kind: 'icmp', version: match.version, type: match.type, code: match.code, negate: match.negate };
    default:
      return { ...match };
  }
}

const FIELD_KINDS = new Set<Match['kind']>([
  'family', 'protocol', 'sourceNet', 'destinationNet', 'inInterface', 'outInterface', 'sourcePort', 'destinationPort',
]);

function othersOf(matches: readonly Match[]): Match[] | typeof NEVER {
  const out: Match[] = [];
  const seen = new Set<string>();
  for (const match of matches) {
    if (FIELD_KINDS.has(match.kind)) continue;
    const kept = otherMatch(match);
    if (kept === NEVER) return NEVER;
    if (kept === undefined) continue;
    const key = JSON.stringify(kept);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(kept);
  }
  return out;
}

export function conjunctionOf(matches: readonly Match[], sets: SetTypes): Conjunction | typeof NEVER {
  const family = familyOf(matches, sets);
  const protocols = protocolsOf(matches);
  const sourceNet = fieldOf(netLists(matches, 'sourceNet'), CIDR_OPS);
  const destinationNet = fieldOf(netLists(matches, 'destinationNet'), CIDR_OPS);
  const inInterface = fieldOf(interfaceLists(matches, 'inInterface'), INTERFACE_OPS);
  const outInterface = fieldOf(interfaceLists(matches, 'outInterface'), INTERFACE_OPS);
  const sourcePort = portFieldOf(matches, 'sourcePort');
  const destinationPort = portFieldOf(matches, 'destinationPort');
  const others = othersOf(matches);
  if (
    family === NEVER || protocols === NEVER || sourceNet === NEVER || destinationNet === NEVER || inInterface === NEVER ||
    outInterface === NEVER || sourcePort === NEVER || destinationPort === NEVER || others === NEVER
  ) {
    return NEVER;
  }
  const conjunction: Conjunction = { protocols, sourceNet, destinationNet, inInterface, outInterface, sourcePort, destinationPort, others };
  if (family !== undefined) conjunction.family = family;
  return conjunction;
}
