import type { AddressSet, Match, Program, SetType } from '../../ir/index.js';
import { formatAddress, formatCidr, mustParseCidr, splitCatchAll, type Cidr } from './cidr.js';
import { assertSetName } from './names.js';

/**
 * Sets as ipset holds them. Address sets: canonical CIDRs, a /0 split in two halves
 * (hash:net cannot hold /0), sorted. Named-port sets (hash:net,port): `<address>,<protocol
 * number>,<port>`, the address plain for a host and a CIDR otherwise (a /0 split too); only elements of protocols with ports (tcp, udp,
 * sctp, udplite) are kept — for others ipset would store port 0 or read the "port" as an
 * ICMP type/code, while in the IR a packet without ports never matches a named port.
 */

/** Protocols whose named-port elements ipset holds with their port. */
export const NAMED_PORT_PROTOCOLS: readonly number[] = [6, 17, 132, 136];

/** Names the ipset file uses for its temporary sets (see ipsets.ts). */
export const TEMPORARY_SET_PREFIX = 'calpol-tmp-';

const familyOfType = (type: SetType): 4 | 6 => (type.startsWith('ipv4') ? 4 : 6);
export const isNamedPortType = (type: SetType): boolean => type.endsWith('-named-port');

function compareCidrs(a: Cidr, b: Cidr): number {
  return a.value !== b.value ? (a.value < b.value ? -1 : 1) : a.length - b.length;
}

/** The sorted texts of `items` (sorted with `compare`), each written once: equal items are adjacent once sorted. */
function sortedUniqueTexts<T>(items: T[], compare: (a: T, b: T) => number, format: (item: T) => string): string[] {
  items.sort(compare);
  const out: string[] = [];
  for (const item of items) {
    const text = format(item);
    if (text !== out[out.length - 1]) out.push(text);
  }
  return out;
}

/** A /0 as its two halves, anything else as itself, appended to `out`. */
function pushSplit(out: Cidr[], cidr: Cidr): void {
  if (cidr.length > 0) out.push(cidr);
  else for (const half of splitCatchAll(cidr)) out.push(half);
}

function addressElements(set: AddressSet, family: 4 | 6): string[] {
  const parsed = set.elements.map(mustParseCidr);
  const stray = parsed.find((c) => c.version !== family);
  if (stray) throw new Error(`iptables: set ${set.name} (${set.type}) holds ${formatCidr(stray)}`);
  const cidrs: Cidr[] = [];
  for (const cidr of parsed) pushSplit(cidrs, cidr);
  return sortedUniqueTexts(cidrs, compareCidrs, formatCidr);
}

interface NamedPort {
  address: Cidr;
  protocol: number;
  port: number;
}

export function parseNamedPort(element: string, family: 4 | 6): NamedPort {
  const match = /^(.+),(\d{1,3}),(\d{1,5})$/.exec(element);
  const address = match ? mustParseCidr(match[1] as string) : undefined;
  const protocol = Number(match?.[2]);
  const port = Number(match?.[3]);
  if (!address || address.version !== family || protocol > 255 || port > 65535) {
    throw new Error(`iptables: named-port element ${JSON.stringify(element)} is not <IPv${family} address>,<protocol>,<port>`);
  }
  return { address, protocol, port };
}

/** A host as a plain address, a network as a CIDR. */
export function formatNetOrHost(cidr: Cidr): string {
  return cidr.length === (cidr.version === 4 ? 32 : 128) ? formatAddress(cidr.version, cidr.value) : formatCidr(cidr);
}

export const formatNamedPort = (e: NamedPort): string => `${formatNetOrHost(e.address)},${e.protocol},${e.port}`;

function namedPortElements(set: AddressSet, family: 4 | 6): string[] {
  const parsed: NamedPort[] = [];
  for (const element of set.elements) {
    const e = parseNamedPort(element, family);
    if (!NAMED_PORT_PROTOCOLS.includes(e.protocol)) continue;
    if (e.address.length > 0) parsed.push(e);
    else for (const address of splitCatchAll(e.address)) parsed.push({ ...e, address });
  }
  const compare = (a: NamedPort, b: NamedPort) => compareCidrs(a.address, b.address) || a.protocol - b.protocol || a.port - b.port;
  return sortedUniqueTexts(parsed, compare, formatNamedPort);
}

export function lowerSets(sets: readonly AddressSet[]): AddressSet[] {
  const names = new Set<string>();
  return [...sets]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((set) => {
      if (names.has(assertSetName(set.name))) throw new Error(`iptables: set ${set.name} is defined twice`);
      if (set.name.startsWith(TEMPORARY_SET_PREFIX)) throw new Error(`iptables: set name ${set.name} is reserved`);
      names.add(set.name);
      const family = familyOfType(set.type);
      const elements = isNamedPortType(set.type) ? namedPortElements(set, family) : addressElements(set, family);
      return { name: set.name, type: set.type, elements, origin: { ...set.origin } };
    });
}

function setUse(match: Match): { set: string; namedPort: boolean } | undefined {
  if (match.kind === 'sourceSet' || match.kind === 'destinationSet') return { set: match.set, namedPort: false };
  if (match.kind === 'sourceNamedPort' || match.kind === 'destinationNamedPort') return { set: match.set, namedPort: true };
  return undefined;
}

/** Set matches that name no set, or a set of the wrong kind. */
export function setUsageErrors(program: Program): string[] {
  const types = new Map(program.sets.map((s) => [s.name, s.type]));
  const errors: string[] = [];
  for (const chain of program.chains) {
    for (const rule of chain.rules) {
      for (const match of rule.matches) {
        const use = setUse(match);
        if (!use) continue;
        const type = types.get(use.set);
        if (type === undefined) errors.push(`${chain.name} uses unknown set ${use.set}`);
        else if (isNamedPortType(type) !== use.namedPort) errors.push(`${chain.name} uses ${type} set ${use.set} in a ${match.kind} match`);
      }
    }
  }
  return errors;
}
