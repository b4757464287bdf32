import type { EntityMatch, IcmpMatch, PolicyRule, PortMatch } from '../model/index.js';
import { parsePrefix, prefixContains, type Prefix } from '../model/index.js';
import { protocolNumber, type IpSets } from './ipsets.js';
import type { Packet } from './packet.js';

/**
 * The outcome of matching one rule against one packet: either it matched, or the first
 * field (in the order Felix renders a rule's matches) that did not.
 */
export type RuleMatch = { matched: true } | { matched: false; failed: string };

const MATCHED: RuleMatch = { matched: true };
const fail = (failed: string): RuleMatch => ({ matched: false, failed });

/**
 * Felix renders a rule only for the IP family it can match (FilterRuleToIPVersion): nets
 * of the other family are dropped, and when every net of a list was of the other family
 * the whole rule is dropped for that family (it never matches).
 */
function netsForFamily(nets: readonly string[], version: 4 | 6): Prefix[] | 'dropped' {
  if (nets.length === 0) return [];
  const kept = nets.map(parsePrefix).filter((p): p is Prefix => p !== undefined && p.version === version);
  return kept.length === 0 ? 'dropped' : kept;
}

function portInRange(port: number, match: PortMatch): boolean {
  return match.kind === 'range' && port >= match.min && port <= match.max;
}

interface SideContext {
  side: EntityMatch;
  name: 'source' | 'destination';
  address: Prefix;
  port: number | undefined;
}

function portsMatch(ports: readonly PortMatch[], context: SideContext, rule: PolicyRule, packet: Packet, ipSets: IpSets): boolean {
  const port = context.port;
  if (port === undefined) return false;
  return ports.some((match) =>
    match.kind === 'range'
      ? portInRange(port, match)
      : ipSets.namedPortContains(context.side, match.name, rule.protocol, context.address, packet.protocol, port),
  );
}

function positiveSide(context: SideContext, rule: PolicyRule, packet: Packet, ipSets: IpSets): RuleMatch {
  const { side, name, address } = context;
  const nets = netsForFamily(side.nets, packet.ipVersion);
  if (nets === 'dropped') return fail(`${name}.nets`);
  if (nets.length > 0 && !nets.some((net) => prefixContains(net, address))) return fail(`${name}.nets`);
  if (side.selector) {
    // Felix folds a positive selector and a notSelector into one set: (pos) && !(neg) (§1.7).
    const inPositive = ipSets.selectorContains(side.selector, address);
    if (!inPositive) return fail(`${name}.selector`);
    if (side.notSelector && ipSets.selectorContains(side.notSelector, address)) return fail(`${name}.notSelector`);
  }
  if (side.ports.length > 0 && !portsMatch(side.ports, context, rule, packet, ipSets)) return fail(`${name}.ports`);
  return MATCHED;
}

function negativeSide(context: SideContext, rule: PolicyRule, packet: Packet, ipSets: IpSets): RuleMatch {
  const { side, name, address } = context;
  const notNets = netsForFamily(side.notNets, packet.ipVersion);
  if (notNets === 'dropped') return fail(`${name}.notNets`);
  if (notNets.some((net) => prefixContains(net, address))) return fail(`${name}.notNets`);
  if (!side.selector && side.notSelector && ipSets.selectorContains(side.notSelector, address)) {
    return fail(`${name}.notSelector`);
  }
  if (side.notPorts.length > 0 && context.port !== undefined && portsMatch(side.notPorts, context, rule, packet, ipSets)) {
    return fail(`${name}.notPorts`);
  }
  return MATCHED;
}

function icmpMatches(icmp: IcmpMatch, packet: Packet): boolean {
  if (packet.icmpType === undefined) return false;
  if (icmp.type !== undefined && icmp.type !== packet.icmpType) return false;
  if (icmp.code !== undefined && icmp.code !== packet.icmpCode) return false;
  return true;
}

/** Whether a rule's match criteria (not its action) select a packet. */
export function matchRule(rule: PolicyRule, packet: Packet, ipSets: IpSets): RuleMatch {
  if (rule.ipVersion !== undefined && rule.ipVersion !== packet.ipVersion) return fail('ipVersion');
  if (rule.protocol !== undefined && protocolNumber(rule.protocol) !== packet.protocol) return fail('protocol');
  const source: SideContext = { side: rule.source, name: 'source', address: packet.source, port: packet.sourcePort };
  const destination: SideContext = {
    side: rule.destination,
    name: 'destination',
    address: packet.destination,
    port: packet.destinationPort,
  };
  const positive = positiveSide(source, rule, packet, ipSets);
  if (!positive.matched) return positive;
  const positiveDestination = positiveSide(destination, rule, packet, ipSets);
  if (!positiveDestination.matched) return positiveDestination;
  if (rule.icmp && !icmpMatches(rule.icmp, packet)) return fail('icmp');
  if (rule.notProtocol !== undefined && protocolNumber(rule.notProtocol) === packet.protocol) return fail('notProtocol');
  const negative = negativeSide(source, rule, packet, ipSets);
  if (!negative.matched) return negative;
  const negativeDestination = negativeSide(destination, rule, packet, ipSets);
  if (!negativeDestination.matched) return negativeDestination;
  // iptables' `! --icmp-type T/C` negates the (type, code) pair as a whole.
  if (rule.notIcmp && icmpMatches(rule.notIcmp, packet)) return fail('notICMP');
  return MATCHED;
}

/**
 * Whether a rule can decide anything. A rule with parts calpol cannot enforce (HTTP,
 * services) fails closed: an Allow or Pass never matches; a Deny matches on its other
 * fields; a Log never matches (it decides nothing anyway).
 */
export function effectiveMatch(rule: PolicyRule, packet: Packet, ipSets: IpSets): RuleMatch {
  if (rule.unsupported && rule.unsupported.length > 0 && rule.action !== 'Deny') {
    return fail(`unsupported (${rule.unsupported.join(', ')})`);
  }
  return matchRule(rule, packet, ipSets);
}
