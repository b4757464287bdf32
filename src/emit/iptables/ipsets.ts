import type { AddressSet, Origin, SetType } from '../../ir/index.js';
import { mustParseCidr } from './cidr.js';
import { commentForOrigin, originIdFromComment } from './comment.js';
import { formatNamedPort, formatNetOrHost, isNamedPortType, parseNamedPort, TEMPORARY_SET_PREFIX } from './sets.js';

/**
 * `ipset restore` text. Each set is filled in a temporary set and then SWAPPED in (what
 * Felix does): the live set changes in one step, never empty or half-filled while rules
 * use it, and a reload replaces the elements rather than adding to them. Every set is
 * created with the same options (maxelem 1048576, Felix's default limit) so that
 * `create … -exist` accepts the set a previous load left. The temporary sets are
 * destroyed at the end. Each set's Origin is a `# origin <set> <comment>` line.
 */

export const MAX_SET_ELEMENTS = 1048576;

const IPSET_TYPE = (type: SetType): string => (isNamedPortType(type) ? 'hash:net,port' : 'hash:net');
const IPSET_FAMILY = (type: SetType): string => (type.startsWith('ipv4') ? 'inet' : 'inet6');
const familyOf = (type: SetType): 4 | 6 => (type.startsWith('ipv4') ? 4 : 6);
const temporaryName = (type: SetType): string => `${TEMPORARY_SET_PREFIX}${isNamedPortType(type) ? 'port' : 'net'}${familyOf(type)}`;

const PORT_PROTOCOL_NAMES: Readonly<Record<number, string>> = { 6: 'tcp', 17: 'udp', 132: 'sctp', 136: 'udplite' };
const PORT_PROTOCOL_NUMBERS: Readonly<Record<string, number>> = { tcp: 6, udp: 17, sctp: 132, udplite: 136 };

/** `10.0.0.1,6,80` → `10.0.0.1,tcp:80`, `10.0.0.0/24,17,53` → `10.0.0.0/24,udp:53` (ipset's syntax). */
function ipsetElement(type: SetType, element: string): string {
  if (!isNamedPortType(type)) return element;
  const { address, protocol, port } = parseNamedPort(element, familyOf(type));
  const name = PORT_PROTOCOL_NAMES[protocol];
  if (!name) throw new Error(`iptables: named-port element ${element}: only tcp, udp, sctp and udplite are written`);
  return `${formatNetOrHost(address)},${name}:${port}`;
}

function irElement(type: SetType, element: string): string {
  if (!isNamedPortType(type)) return element;
  const match = /^(.+),([a-z]+):(\d+)$/.exec(element);
  const protocol = PORT_PROTOCOL_NUMBERS[match?.[2] ?? ''];
  if (!match || protocol === undefined) throw new Error(`iptables: cannot read ipset element ${JSON.stringify(element)}`);
  const address = mustParseCidr(match[1] as string);
  return formatNamedPort({ address, protocol, port: Number(match[3]) });
}

const createLine = (name: string, type: SetType): string =>
  `create ${name} ${IPSET_TYPE(type)} family ${IPSET_FAMILY(type)} maxelem ${MAX_SET_ELEMENTS} -exist`;

/** Sets larger than ipset's limit are refused before anything is written. */
export function checkIpsets(sets: readonly AddressSet[]): void {
  for (const set of sets) {
    if (set.elements.length > MAX_SET_ELEMENTS) throw new Error(`iptables: set ${set.name} has more than ${MAX_SET_ELEMENTS} elements`);
  }
}

/** The `ipset restore` text, line by line (without newlines). */
export function* ipsetLines(sets: readonly AddressSet[]): Generator<string> {
  checkIpsets(sets);
  yield '# calpol: ipsets. Load with `ipset restore` before the iptables rules (docs/iptables.md).';
  const temporaries = new Set<string>();
  for (const set of sets) {
    const temporary = temporaryName(set.type);
    if (!temporaries.has(temporary)) yield createLine(temporary, set.type);
    temporaries.add(temporary);
    yield `# origin ${set.name} ${commentForOrigin(set.origin.id)}`;
    yield createLine(set.name, set.type);
    yield `flush ${temporary}`;
    for (const element of set.elements) yield `add ${temporary} ${ipsetElement(set.type, element)}`;
    yield `swap ${temporary} ${set.name}`;
  }
  yield* [...temporaries].sort().map((name) => `destroy ${name}`);
}

interface LiveSet {
  type: SetType;
  elements: string[];
}

const TYPE_OF: Readonly<Record<string, SetType>> = {
  'hash:net inet': 'ipv4',
  'hash:net inet6': 'ipv6',
  'hash:net,port inet': 'ipv4-named-port',
  'hash:net,port inet6': 'ipv6-named-port',
};

/** Replays calpol's ipset text (create, flush, add, swap, destroy) and returns the sets it leaves. */
export function decodeIpsets(text: string, origins: (id: string) => Origin | undefined): AddressSet[] {
  const live = new Map<string, LiveSet>();
  const originOf = new Map<string, string>();
  const get = (name: string | undefined): LiveSet => {
    const set = live.get(name ?? '');
    if (!set) throw new Error(`iptables: ipset text uses set ${name} before creating it`);
    return set;
  };
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    const [command, name, ...rest] = words;
    if (command === '#' && name === 'origin') originOf.set(rest[0] ?? '', rest[1] ?? '');
    if (!command || command.startsWith('#')) continue;
    if (command === 'create') {
      const type = TYPE_OF[`${rest[0]} ${rest[2]}`];
      if (!type) throw new Error(`iptables: cannot read ipset line ${JSON.stringify(line)}`);
      if (!live.has(name ?? '')) live.set(name ?? '', { type, elements: [] });
    } else if (command === 'flush') get(name).elements = [];
    else if (command === 'add') get(name).elements.push(irElement(get(name).type, rest[0] ?? ''));
    else if (command === 'swap') {
      const [a, b] = [get(name), get(rest[0])];
      live.set(name ?? '', b);
      live.set(rest[0] ?? '', a);
    } else if (command === 'destroy') live.delete(name ?? '');
    else throw new Error(`iptables: cannot read ipset line ${JSON.stringify(line)}`);
  }
  return [...live]
    .filter(([name]) => !name.startsWith(TEMPORARY_SET_PREFIX))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, set]) => {
      const id = originIdFromComment(originOf.get(name) ?? '');
      return { name, type: set.type, elements: set.elements, origin: origins(id) ?? { id } };
    });
}
