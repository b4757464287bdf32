import type { AddressSet, CtState, Match, PortRange } from '../ir/index.js';
import { parsePrefix } from './address.js';
import { PORT_PROTOCOLS } from './packet.js';

/**
 * The packet as the emitted-ruleset evaluator sees it while it crosses the node: the
 * fields rules match on, in forms that are cheap to test (IPv4 addresses as numbers,
 * IPv6 as bigints), plus the state statements change (mark, conntrack state).
 */
export interface PacketState {
  ipVersion: 4 | 6;
  protocol: number;
  /** IPv4 address as an unsigned 32-bit number (0 for IPv6 packets). */
  source4: number;
  destination4: number;
  /** IPv6 address as a 128-bit value (0n for IPv4 packets). */
  source6: bigint;
  destination6: bigint;
  /** Ports, only for protocols with ports (else -1). */
  sourcePort: number;
  destinationPort: number;
  /** ICMP type and code, only for ICMP/ICMPv6 packets (else -1). */
  icmpType: number;
  icmpCode: number;
  /** `''` when the path has no such interface (nft's iifname/oifname of an output/input packet). */
  inInterface: string;
  outInterface: string;
  ctState: CtState;
  mark: number;
}

export type PacketTest = (packet: PacketState) => boolean;

const IPV4_MASKS: number[] = Array.from({ length: 33 }, (_, length) => (length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0));

/**
 * CIDRs of both families prepared for lookups: one hash set per prefix length, so a
 * lookup costs one hash probe per distinct length (usually one or two).
 */
export class PreparedPrefixes {
  private readonly v4: { mask: number; values: Set<number> }[] = [];
  private readonly v6: { shift: bigint; values: Set<bigint> }[] = [];

  constructor(cidrs: readonly string[]) {
    const v4 = new Map<number, Set<number>>();
    const v6 = new Map<number, Set<bigint>>();
    for (const cidr of cidrs) {
      const prefix = parsePrefix(cidr);
      if (!prefix) throw new Error(`run: "${cidr}" is not an address or CIDR`);
      if (prefix.version === 4) addTo(v4, prefix.length, Number(prefix.value));
      else addTo(v6, prefix.length, prefix.value >> BigInt(128 - prefix.length));
    }
    for (const [length, values] of [...v4].sort((a, b) => b[0] - a[0])) this.v4.push({ mask: IPV4_MASKS[length] as number, values });
    for (const [length, values] of [...v6].sort((a, b) => b[0] - a[0])) this.v6.push({ shift: BigInt(128 - length), values });
  }

  contains4(address: number): boolean {
    for (const bucket of this.v4) if (bucket.values.has((address & bucket.mask) >>> 0)) return true;
    return false;
  }

  contains6(address: bigint): boolean {
    for (const bucket of this.v6) if (bucket.values.has(address >> bucket.shift)) return true;
    return false;
  }

  contains(packet: PacketState, side: 'source' | 'destination'): boolean {
    if (packet.ipVersion === 4) return this.contains4(side === 'source' ? packet.source4 : packet.destination4);
    return this.contains6(side === 'source' ? packet.source6 : packet.destination6);
  }
}

function addTo<T>(map: Map<number, Set<T>>, key: number, value: T): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/** A named-port set: `<address>,<protocol number>,<port>` elements, by (protocol, port). */
export class PreparedNamedPorts {
  private readonly byProtocolPort = new Map<number, PreparedPrefixes>();

  constructor(elements: readonly string[]) {
    const grouped = new Map<number, string[]>();
    for (const element of elements) {
      const parts = element.split(',');
      const protocol = Number(parts[1]);
      const port = Number(parts[2]);
      if (parts.length !== 3 || !Number.isInteger(protocol) || !Number.isInteger(port)) {
        throw new Error(`run: named-port element "${element}" is not <address>,<protocol>,<port>`);
      }
      const key = protocol * 65536 + port;
      const list = grouped.get(key);
      if (list) list.push(parts[0] as string);
      else grouped.set(key, [parts[0] as string]);
    }
    for (const [key, addresses] of grouped) this.byProtocolPort.set(key, new PreparedPrefixes(addresses));
  }

  contains(packet: PacketState, side: 'source' | 'destination'): boolean {
    const port = side === 'source' ? packet.sourcePort : packet.destinationPort;
    if (port < 0) return false;
    const addresses = this.byProtocolPort.get(packet.protocol * 65536 + port);
    return addresses !== undefined && addresses.contains(packet, side);
  }
}

export interface PreparedSet {
  set: AddressSet;
  version: 4 | 6;
  addresses?: PreparedPrefixes;
  namedPorts?: PreparedNamedPorts;
}

/** Prepares every set of a program once (address sets and named-port sets). */
export function prepareSets(sets: readonly AddressSet[]): Map<string, PreparedSet> {
  const prepared = new Map<string, PreparedSet>();
  for (const set of sets) {
    if (prepared.has(set.name)) throw new Error(`run: set "${set.name}" is defined twice`);
    const version = set.type === 'ipv4' || set.type === 'ipv4-named-port' ? 4 : 6;
    const named = set.type.endsWith('-named-port');
    prepared.set(set.name, named ? { set, version, namedPorts: new PreparedNamedPorts(set.elements) } : { set, version, addresses: new PreparedPrefixes(set.elements) });
  }
  return prepared;
}

function interfaceTest(names: readonly string[], negate: boolean, side: 'inInterface' | 'outInterface'): PacketTest {
  const exact = new Set(names.filter((name) => !name.endsWith('*')));
  const prefixes = names.filter((name) => name.endsWith('*')).map((name) => name.slice(0, -1));
  const matches = (name: string) => exact.has(name) || prefixes.some((prefix) => name.startsWith(prefix));
  return side === 'inInterface' ? (p) => matches(p.inInterface) !== negate : (p) => matches(p.outInterface) !== negate;
}

function portTest(ranges: readonly PortRange[], negate: boolean, side: 'source' | 'destination'): PacketTest {
  const inRanges = (port: number) => ranges.some((range) => port >= range.min && port <= range.max);
  // Only packets of a protocol with ports match, negated or not (nft's `th dport` needs its l4proto guard).
  return (p) => {
    const port = side === 'source' ? p.sourcePort : p.destinationPort;
    return PORT_PROTOCOLS.has(p.protocol) && port >= 0 && inRanges(port) !== negate;
  };
}

function netTest(version: 4 | 6, nets: readonly string[], negate: boolean, side: 'source' | 'destination'): PacketTest {
  const prefixes = new PreparedPrefixes(nets);
  // `ip saddr` (or a v4 iptables table) only sees packets of its family, negated or not.
  return (p) => p.ipVersion === version && prefixes.contains(p, side) !== negate;
}

function setTest(sets: Map<string, PreparedSet>, name: string, negate: boolean, side: 'source' | 'destination', named: boolean): PacketTest {
  const prepared = sets.get(name);
  if (!prepared) throw new Error(`run: a rule matches on set "${name}", which the program does not define`);
  const lookup = named ? prepared.namedPorts : prepared.addresses;
  if (!lookup) throw new Error(`run: set "${name}" is of type ${prepared.set.type}, not ${named ? 'a named-port set' : 'an address set'}`);
  const version = prepared.version;
  return (p) => p.ipVersion === version && lookup.contains(p, side) !== negate;
}

function icmpTest(version: 4 | 6, type: number, code: number | undefined, negate: boolean): PacketTest {
  const protocol = version === 4 ? 1 : 58;
  // Negation covers the (type, code) pair; packets of another protocol never match.
  return (p) => p.protocol === protocol && (p.icmpType === type && (code === undefined || p.icmpCode === code)) !== negate;
}

/** Compiles one IR match to a predicate, exactly as src/ir/types.ts documents each kind. */
export function compileMatch(match: Match, sets: Map<string, PreparedSet>): PacketTest {
  switch (match.kind) {
    case 'family':
      return (p) => p.ipVersion === match.version;
    case 'ctState': {
      const states = new Set(match.states);
      return (p) => states.has(p.ctState) !== match.negate;
    }
    case 'inInterface':
    case 'outInterface':
      return interfaceTest(match.names, match.negate, match.kind);
    case 'protocol': {
      const protocols = new Set(match.protocols);
      return (p) => protocols.has(p.protocol) !== match.negate;
    }
    case 'sourceNet':
      return netTest(match.version, match.nets, match.negate, 'source');
    case 'destinationNet':
      return netTest(match.version, match.nets, match.negate, 'destination');
    case 'sourceSet':
      return setTest(sets, match.set, match.negate, 'source', false);
    case 'destinationSet':
      return setTest(sets, match.set, match.negate, 'destination', false);
    case 'sourcePort':
      return portTest(match.ranges, match.negate, 'source');
    case 'destinationPort':
      return portTest(match.ranges, match.negate, 'destination');
    case 'sourceNamedPort':
      return setTest(sets, match.set, match.negate, 'source', true);
    case 'destinationNamedPort':
      return setTest(sets, match.set, match.negate, 'destination', true);
    case 'icmp':
      return icmpTest(match.version, match.type, match.code, match.negate);
    case 'mark':
      return (p) => ((p.mark & match.mask) >>> 0 === match.value >>> 0) !== match.negate;
  }
}

/** All matches of a rule (AND); an empty list always matches. */
export function compileMatches(matches: readonly Match[], sets: Map<string, PreparedSet>): PacketTest {
  const tests = matches.map((match) => compileMatch(match, sets));
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0] as PacketTest;
  return (p) => {
    for (const test of tests) if (!test(p)) return false;
    return true;
  };
}
