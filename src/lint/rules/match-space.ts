import { parsePrefix, prefixContains, protocolNumber, type Prefix } from '../../eval/index.js';
import type { EntityMatch, IcmpMatch, PolicyRule, PortMatch } from '../../model/index.js';
import { canMatch, selectorImplies } from './policy-facts.js';

/**
 * Reasoning about the packets a rule matches, field by field, without enumerating packets.
 * Everything here mirrors eval/match.ts (`matchRule`), which is the definition of what a
 * rule matches. Two questions are answered, both only when PROVABLE:
 *
 * - `ruleCovers(earlier, later)`: every packet `later` matches, `earlier` matches too. Each
 *   field of `earlier` must be no stricter than the same field of `later`; when a field
 *   cannot be compared exactly (named ports across selectors, selectors that are not
 *   syntactically related), the answer is "not proven" (false).
 * - `rulesDisjoint(a, b)`: no packet matches both, shown by one field alone.
 *
 * Why field by field is sound: a rule is a conjunction of independent per-field tests,
 * so if each test of `earlier` accepts everything the corresponding test(s) of `later`
 * accept, the conjunction does too.
 */

export type Family = 4 | 6;

const BOTH: readonly Family[] = [4, 6];

const parsedNets = new WeakMap<readonly string[], Prefix[]>();

/** A net list as prefixes (memoized per list: pairwise checks parse the same lists often). */
export function parseNets(nets: readonly string[]): Prefix[] {
  let parsed = parsedNets.get(nets);
  if (!parsed) {
    parsed = nets.map(parsePrefix).filter((p): p is Prefix => p !== undefined);
    parsedNets.set(nets, parsed);
  }
  return parsed;
}

/**
 * The IP families a rule can match at all: Felix renders a rule per family, skipping it
 * for a family its ipVersion excludes, or when every CIDR of one of its net lists is of
 * the other family (FilterRuleToIPVersion).
 */
export function families(rule: PolicyRule): Set<Family> {
  const allowed = new Set<Family>(rule.ipVersion === undefined ? BOTH : [rule.ipVersion]);
  for (const side of [rule.source, rule.destination]) {
    for (const list of [side.nets, side.notNets]) {
      if (list.length === 0) continue;
      const present = new Set(parseNets(list).map((p) => p.version));
      for (const family of [...allowed]) if (!present.has(family)) allowed.delete(family);
    }
  }
  return allowed;
}

export const fullPrefix = (family: Family): Prefix => ({ version: family, value: 0n, length: 0 });

/** A side's nets for one family: the whole family when the side has none. */
export function netsFor(nets: readonly Prefix[], family: Family): Prefix[] {
  if (nets.length === 0) return [fullPrefix(family)];
  return nets.filter((p) => p.version === family);
}

export const prefixesOverlap = (a: Prefix, b: Prefix): boolean => prefixContains(a, b) || prefixContains(b, a);

/* ------------------------------------------------------------------ ports */

export type PortRange = { min: number; max: number };

export const ALL_PORTS: PortRange = { min: 1, max: 65535 };

export function portRanges(ports: readonly PortMatch[]): PortRange[] {
  return ports.filter((p): p is PortRange & { kind: 'range' } => p.kind === 'range');
}

const rangeWithin = (inner: PortRange, outer: PortRange) => inner.min >= outer.min && inner.max <= outer.max;
const rangesOverlap = (a: PortRange, b: PortRange) => a.min <= b.max && b.min <= a.max;

/* ---------------------------------------------------------------- protocol */

function protocolCovers(earlier: PolicyRule, later: PolicyRule): boolean {
  if (earlier.protocol !== undefined) {
    if (later.protocol === undefined || protocolNumber(later.protocol) !== protocolNumber(earlier.protocol)) return false;
  }
  if (earlier.notProtocol === undefined) return true;
  const excluded = protocolNumber(earlier.notProtocol);
  if (later.notProtocol !== undefined && protocolNumber(later.notProtocol) === excluded) return true;
  return later.protocol !== undefined && protocolNumber(later.protocol) !== excluded;
}

/* -------------------------------------------------------------------- icmp */

/** Every ICMP packet matched by `a` is matched by `b`. */
export function icmpSubset(a: IcmpMatch, b: IcmpMatch): boolean {
  return (b.type === undefined || a.type === b.type) && (b.code === undefined || a.code === b.code);
}

export function icmpDisjoint(a: IcmpMatch, b: IcmpMatch): boolean {
  const typesDiffer = a.type !== undefined && b.type !== undefined && a.type !== b.type;
  const codesDiffer = a.code !== undefined && b.code !== undefined && a.code !== b.code;
  return typesDiffer || codesDiffer;
}

function icmpCovers(earlier: PolicyRule, later: PolicyRule): boolean {
  if (earlier.icmp && !(later.icmp && icmpSubset(later.icmp, earlier.icmp))) return false;
  if (!earlier.notIcmp) return true;
  // The packets `earlier` excludes must be excluded by `later` too, or never match it.
  if (later.notIcmp && icmpSubset(earlier.notIcmp, later.notIcmp)) return true;
  return later.icmp !== undefined && icmpDisjoint(later.icmp, earlier.notIcmp);
}

/* ------------------------------------------------------------------- sides */

interface CoverPair {
  earlier: PolicyRule;
  later: PolicyRule;
  families: Set<Family>;
}

function netsCover(e: EntityMatch, l: EntityMatch, laterFamilies: Set<Family>): boolean {
  const eNets = parseNets(e.nets);
  const lNets = parseNets(l.nets);
  const eNotNets = parseNets(e.notNets);
  const lNotNets = parseNets(l.notNets);
  for (const family of laterFamilies) {
    const laterNets = netsFor(lNets, family);
    if (eNets.length > 0 && !laterNets.every((net) => eNets.some((outer) => prefixContains(outer, net)))) return false;
    // Each address `earlier` excludes is excluded by `later` as well, or outside `later`'s nets.
    for (const hole of eNotNets.filter((p) => p.version === family)) {
      const excludedToo = lNotNets.some((outer) => prefixContains(outer, hole));
      const outside = laterNets.every((net) => !prefixesOverlap(net, hole));
      if (!excludedToo && !outside) return false;
    }
  }
  return true;
}

function sameSelector(a: EntityMatch, b: EntityMatch): boolean {
  return a.selector?.id === b.selector?.id;
}

function sameProtocol(a: PolicyRule, b: PolicyRule): boolean {
  if (a.protocol === undefined || b.protocol === undefined) return a.protocol === b.protocol;
  return protocolNumber(a.protocol) === protocolNumber(b.protocol);
}

/**
 * Ports: `later`'s ports must each sit inside one of `earlier`'s. A named port is only
 * compared with the same name: its set (the endpoints' ports of that name) is filtered by
 * the side's selector and the rule's protocol, which `ruleCovers` already requires to be
 * no stricter in `earlier`, so `later`'s set is a subset of `earlier`'s.
 */
function portsCover(pair: CoverPair, e: EntityMatch, l: EntityMatch): boolean {
  if (e.ports.length > 0) {
    if (l.ports.length === 0) return false;
    const covered = l.ports.every((port) =>
      port.kind === 'named'
        ? e.ports.some((outer) => outer.kind === 'named' && outer.name === port.name)
        : portRanges(e.ports).some((outer) => rangeWithin(port, outer)),
    );
    if (!covered) return false;
  }
  // Every port `earlier` excludes must be excluded by `later` too, or outside `later`'s ports.
  const laterRanges = portRanges(l.ports);
  const onlyRanges = l.ports.length > 0 && laterRanges.length === l.ports.length;
  return e.notPorts.every((hole) => {
    if (hole.kind === 'named') {
      // Named exclusions compare only when both sets are built the same way.
      const named = l.notPorts.some((p) => p.kind === 'named' && p.name === hole.name);
      return named && sameSelector(e, l) && sameProtocol(pair.earlier, pair.later);
    }
    if (portRanges(l.notPorts).some((outer) => rangeWithin(hole, outer))) return true;
    return onlyRanges && laterRanges.every((range) => !rangesOverlap(range, hole));
  });
}

function sideCovers(pair: CoverPair, e: EntityMatch, l: EntityMatch): boolean {
  if (!netsCover(e, l, pair.families)) return false;
  if (!selectorImplies(l.selector, e.selector)) return false;
  // `earlier` excludes its notSelector's members; `later` must exclude at least those.
  if (e.notSelector && !(l.notSelector && selectorImplies(e.notSelector, l.notSelector))) return false;
  return portsCover(pair, e, l);
}

/** Whether every packet `later` can match, `earlier` matches too (see the file comment). */
export function ruleCovers(earlier: PolicyRule, later: PolicyRule): boolean {
  if (!canMatch(earlier)) return false;
  const laterFamilies = families(later);
  // A rule that matches no family is a contradiction of its own, not a shadowed rule.
  if (laterFamilies.size === 0) return false;
  const earlierFamilies = families(earlier);
  for (const family of laterFamilies) if (!earlierFamilies.has(family)) return false;
  if (!protocolCovers(earlier, later) || !icmpCovers(earlier, later)) return false;
  const pair: CoverPair = { earlier, later, families: laterFamilies };
  return sideCovers(pair, earlier.source, later.source) && sideCovers(pair, earlier.destination, later.destination);
}

/* ---------------------------------------------------------------- disjoint */

function protocolsDisjoint(a: PolicyRule, b: PolicyRule): boolean {
  if (a.protocol !== undefined && b.protocol !== undefined) {
    if (protocolNumber(a.protocol) !== protocolNumber(b.protocol)) return true;
  }
  const excludes = (x: PolicyRule, y: PolicyRule) =>
    x.protocol !== undefined && y.notProtocol !== undefined && protocolNumber(x.protocol) === protocolNumber(y.notProtocol);
  return excludes(a, b) || excludes(b, a);
}

function icmpsDisjoint(a: PolicyRule, b: PolicyRule): boolean {
  if (a.icmp && b.icmp && icmpDisjoint(a.icmp, b.icmp)) return true;
  const excludes = (x: PolicyRule, y: PolicyRule) =>
    x.icmp !== undefined && y.notIcmp !== undefined && icmpSubset(x.icmp, y.notIcmp);
  return excludes(a, b) || excludes(b, a);
}

function sidesDisjoint(a: EntityMatch, b: EntityMatch): boolean {
  const aNets = parseNets(a.nets);
  const bNets = parseNets(b.nets);
  if (aNets.length > 0 && bNets.length > 0 && aNets.every((x) => bNets.every((y) => !prefixesOverlap(x, y)))) return true;
  const netsExcluded = (nets: Prefix[], holes: Prefix[]) =>
    nets.length > 0 && nets.every((net) => holes.some((hole) => prefixContains(hole, net)));
  if (netsExcluded(aNets, parseNets(b.notNets)) || netsExcluded(bNets, parseNets(a.notNets))) return true;
  const onlyRanges = (ports: PortMatch[]) => ports.length > 0 && portRanges(ports).length === ports.length;
  if (onlyRanges(a.ports) && onlyRanges(b.ports)) {
    if (portRanges(a.ports).every((x) => portRanges(b.ports).every((y) => !rangesOverlap(x, y)))) return true;
  }
  const portsExcluded = (ports: PortMatch[], holes: PortMatch[]) =>
    onlyRanges(ports) && portRanges(ports).every((range) => portRanges(holes).some((hole) => rangeWithin(range, hole)));
  return portsExcluded(a.ports, b.notPorts) || portsExcluded(b.ports, a.notPorts);
}

/** Whether no packet can match both rules, shown by a single field. */
export function rulesDisjoint(a: PolicyRule, b: PolicyRule): boolean {
  if (!canMatch(a) || !canMatch(b)) return true;
  const common = [...families(a)].filter((family) => families(b).has(family));
  if (common.length === 0) return true;
  return (
    protocolsDisjoint(a, b) ||
    icmpsDisjoint(a, b) ||
    sidesDisjoint(a.source, b.source) ||
    sidesDisjoint(a.destination, b.destination)
  );
}
