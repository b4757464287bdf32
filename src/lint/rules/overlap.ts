import { PORT_PROTOCOLS, protocolNumber, type IpSets, type Packet, type Prefix } from '../../eval/index.js';
import type { EntityMatch, PolicyRule } from '../../model/index.js';
import type { Selector } from '../../selector/index.js';
import type { TierPlan } from '../../tiers/index.js';
import {
  ALL_PORTS,
  families,
  icmpSubset,
  netsFor,
  parseNets,
  portRanges,
  prefixesOverlap,
  type Family,
  type PortRange,
} from './match-space.js';
import { canMatch } from './policy-facts.js';

/**
 * Whether some packet matches BOTH rules, shown by constructing one (a witness): a family,
 * a protocol, ICMP type/code, ports and, for each side, an address. Each choice is checked
 * against exactly the tests eval/match.ts applies, so a `true` answer is a proof. Where a
 * choice cannot be checked (named ports, whose sets depend on endpoints' port names), the
 * answer is `false`: not proven.
 *
 * Selectors: with endpoints, a witness address is taken from the endpoints and network
 * sets the selectors select and checked against the IP sets as the evaluator does.
 * Without endpoints, every selector matches nothing offline, which says nothing about the
 * cluster; a side then counts as satisfiable when both rules use the same positive
 * selector (or only one has one) and neither has a notSelector: "if the selector selects
 * anything, both rules match it".
 */
export interface OverlapContext {
  plan: TierPlan;
  ipSets: IpSets;
  hasEndpoints: boolean;
}

/** How many selected items are tried as witness addresses before giving up. */
const WITNESS_CANDIDATES = 64;

const TCP = 6;
const UDP = 17;
const SCTP = 132;

export function rulesOverlap(a: PolicyRule, b: PolicyRule, context: OverlapContext): boolean {
  return overlapWitness(a, b, context) !== undefined;
}

/** A packet both rules match, if one can be built (see the file comment). */
export function overlapWitness(a: PolicyRule, b: PolicyRule, context: OverlapContext): Packet | undefined {
  if (!canMatch(a) || !canMatch(b)) return undefined;
  const bFamilies = families(b);
  for (const family of families(a)) {
    if (!bFamilies.has(family)) continue;
    for (const protocol of candidateProtocols(a, b, family)) {
      const packet = witnessFor(a, b, family, protocol, context);
      if (packet) return packet;
    }
  }
  return undefined;
}

function witnessFor(a: PolicyRule, b: PolicyRule, family: Family, protocol: number, context: OverlapContext): Packet | undefined {
  const icmp = icmpWitness(a, b, protocol);
  if (icmp === undefined) return undefined;
  const sourcePort = portWitness(a.source, b.source, protocol);
  const destinationPort = portWitness(a.destination, b.destination, protocol);
  if (sourcePort === undefined || destinationPort === undefined) return undefined;
  const source = addressWitness(a.source, b.source, family, context);
  const destination = source && addressWitness(a.destination, b.destination, family, context);
  if (!source || !destination) return undefined;
  const packet: Packet = {
    ipVersion: family,
    source,
    destination,
    sourceAddress: String(source.value),
    destinationAddress: String(destination.value),
    protocol,
  };
  if (sourcePort !== 'none') packet.sourcePort = sourcePort;
  if (destinationPort !== 'none') packet.destinationPort = destinationPort;
  if (icmp !== 'none') {
    packet.icmpType = icmp.type;
    packet.icmpCode = icmp.code;
  }
  return packet;
}

function usesPorts(rule: PolicyRule): boolean {
  return rule.source.ports.length > 0 || rule.destination.ports.length > 0;
}

function candidateProtocols(a: PolicyRule, b: PolicyRule, family: Family): number[] {
  const written = [a.protocol, b.protocol].filter((p) => p !== undefined).map(protocolNumber);
  let candidates: number[];
  if (written.length > 0) candidates = written.every((p) => p === written[0]) ? [written[0]!] : [];
  else if (usesPorts(a) || usesPorts(b)) candidates = [TCP, UDP, SCTP];
  else candidates = [TCP, UDP, family === 4 ? 1 : 58];
  const excluded = [a.notProtocol, b.notProtocol].filter((p) => p !== undefined).map(protocolNumber);
  return candidates.filter((p) => !excluded.includes(p));
}

const isIcmpProtocol = (protocol: number) => protocol === 1 || protocol === 58;

type IcmpChoice = { type: number; code: number };

/** A type/code both rules accept (and neither excludes), tried over a small grid; 'none' for non-ICMP. */
function icmpWitness(a: PolicyRule, b: PolicyRule, protocol: number): IcmpChoice | 'none' | undefined {
  const positive = [a.icmp, b.icmp].filter((m) => m !== undefined);
  const negative = [a.notIcmp, b.notIcmp].filter((m) => m !== undefined);
  // Only ICMP packets carry a type: a rule with `icmp` never matches anything else.
  if (!isIcmpProtocol(protocol)) return positive.length === 0 ? 'none' : undefined;
  const types = new Set([0, 3, 8, ...positive.map((m) => m.type ?? 0), ...negative.map((m) => (m.type ?? 0) + 1)]);
  const codes = new Set([0, 1, ...positive.map((m) => m.code ?? 0), ...negative.map((m) => (m.code ?? 0) + 1)]);
  for (const type of types) {
    for (const code of codes) {
      const choice = { type, code };
      if (positive.every((m) => icmpSubset(choice, m)) && !negative.some((m) => icmpSubset(choice, m))) return choice;
    }
  }
  return undefined;
}

/** Ranges minus holes: the ports left. */
function subtractRanges(ranges: PortRange[], holes: PortRange[]): PortRange[] {
  let left = ranges;
  for (const hole of holes) {
    left = left.flatMap((range) => {
      const pieces: PortRange[] = [];
      if (hole.min > range.min) pieces.push({ min: range.min, max: Math.min(range.max, hole.min - 1) });
      if (hole.max < range.max) pieces.push({ min: Math.max(range.min, hole.max + 1), max: range.max });
      return pieces.filter((piece) => piece.min <= piece.max);
    });
  }
  return left;
}

function intersectRanges(a: PortRange[], b: PortRange[]): PortRange[] {
  return a.flatMap((x) =>
    b.map((y) => ({ min: Math.max(x.min, y.min), max: Math.min(x.max, y.max) })).filter((r) => r.min <= r.max),
  );
}

/** A port both sides accept; 'none' when the protocol has no ports (then no port list may be set). */
function portWitness(a: EntityMatch, b: EntityMatch, protocol: number): number | 'none' | undefined {
  const wantsPort = a.ports.length > 0 || b.ports.length > 0;
  if (!PORT_PROTOCOLS.has(protocol)) return wantsPort ? undefined : 'none';
  // Named ports (positive or negated) depend on endpoints' port names: not provable here.
  const named = [...a.ports, ...b.ports, ...a.notPorts, ...b.notPorts].some((p) => p.kind === 'named');
  if (named) return undefined;
  const aRanges = a.ports.length > 0 ? portRanges(a.ports) : [ALL_PORTS];
  const bRanges = b.ports.length > 0 ? portRanges(b.ports) : [ALL_PORTS];
  const holes = [...portRanges(a.notPorts), ...portRanges(b.notPorts)];
  return subtractRanges(intersectRanges(aRanges, bRanges), holes)[0]?.min;
}

/* ---------------------------------------------------------------- addresses */

const hostLength = (family: Family) => (family === 4 ? 32 : 128);

function lastAddress(prefix: Prefix): bigint {
  const bits = BigInt(hostLength(prefix.version) - prefix.length);
  return prefix.value + (1n << bits) - 1n;
}

const host = (family: Family, value: bigint): Prefix => ({ version: family, value, length: hostLength(family) });

/** The lowest address in `region` outside every hole, if any (a sweep over sorted holes). */
function firstUncovered(region: Prefix, holes: Prefix[]): bigint | undefined {
  let candidate = region.value;
  const end = lastAddress(region);
  const byStart = (x: Prefix, y: Prefix) => (x.value < y.value ? -1 : x.value > y.value ? 1 : 0);
  const sorted = holes.filter((h) => h.version === region.version).sort(byStart);
  for (const hole of sorted) {
    if (hole.value > candidate) break;
    const holeEnd = lastAddress(hole);
    if (holeEnd >= candidate) candidate = holeEnd + 1n;
    if (candidate > end) return undefined;
  }
  return candidate <= end ? candidate : undefined;
}

interface SideSpace {
  /** Regions every address must be in (intersection of both sides' nets), as prefixes. */
  regions: Prefix[];
  holes: Prefix[];
  positives: Selector[];
  negatives: Selector[];
}

/** Both sides' CIDR constraints for one family; undefined when a side is dropped for it. */
function sideSpace(a: EntityMatch, b: EntityMatch, family: Family): SideSpace | undefined {
  const aNets = netsFor(parseNets(a.nets), family);
  const bNets = netsFor(parseNets(b.nets), family);
  if (aNets.length === 0 || bNets.length === 0) return undefined;
  // Two prefixes overlap only when one contains the other: their intersection is the narrower.
  const regions = aNets.flatMap((x) => bNets.filter((y) => prefixesOverlap(x, y)).map((y) => (x.length >= y.length ? x : y)));
  const holes = [...parseNets(a.notNets), ...parseNets(b.notNets)];
  // A notNets list with no CIDR of this family drops the rule for the family (match.ts).
  for (const side of [a, b]) {
    if (side.notNets.length > 0 && !parseNets(side.notNets).some((p) => p.version === family)) return undefined;
  }
  const positives = [a.selector, b.selector].filter((s) => s !== undefined);
  const negatives = [a.notSelector, b.notSelector].filter((s) => s !== undefined);
  return { regions, holes, positives, negatives };
}

function inRegions(address: Prefix, space: SideSpace): boolean {
  return space.regions.some((region) => region.value <= address.value && address.value <= lastAddress(region));
}

function acceptedBySelectors(address: Prefix, space: SideSpace, ipSets: IpSets): boolean {
  return (
    space.positives.every((selector) => ipSets.selectorContains(selector, address)) &&
    !space.negatives.some((selector) => ipSets.selectorContains(selector, address))
  );
}

/**
 * An address one side of both rules accepts. Without endpoints, a side with a selector
 * yields an address of the CIDR space as a stand-in for "some endpoint the selector selects".
 */
function addressWitness(a: EntityMatch, b: EntityMatch, family: Family, context: OverlapContext): Prefix | undefined {
  const space = sideSpace(a, b, family);
  if (!space) return undefined;
  const uncovered = space.regions
    .map((region) => firstUncovered(region, space.holes))
    .filter((v) => v !== undefined)
    .map((v) => host(family, v));
  if (space.positives.length === 0 && space.negatives.length === 0) return uncovered[0];
  if (!context.hasEndpoints) {
    const sameSelector = space.positives.every((s) => s.id === space.positives[0]?.id);
    return space.negatives.length === 0 && sameSelector ? uncovered[0] : undefined;
  }
  const candidates = space.positives.length > 0 ? selectedAddresses(space.positives, family, context) : uncovered;
  return candidates.find(
    (address) =>
      inRegions(address, space) &&
      !space.holes.some((hole) => hole.version === family && hole.value <= address.value && address.value <= lastAddress(hole)) &&
      acceptedBySelectors(address, space, context.ipSets),
  );
}

/** Addresses of a few items all the positive selectors select (first address of a network set's CIDR). */
function selectedAddresses(positives: Selector[], family: Family, context: OverlapContext): Prefix[] {
  const { plan } = context;
  const selected = positives.map((s) => plan.membership.members(s)).reduce((x, y) => x.and(y));
  const endpointCount = plan.inventory.endpoints.length;
  const out: Prefix[] = [];
  for (const index of selected.members()) {
    const item = index < endpointCount ? plan.inventory.endpoints[index]! : undefined;
    const nets = item ? item.addresses : plan.policySet.networkSets[index - endpointCount]!.nets;
    for (const prefix of parseNets(nets)) if (prefix.version === family) out.push(host(family, prefix.value));
    if (out.length >= WITNESS_CANDIDATES) break;
  }
  return out;
}
