import { parsePrefix, type EntityMatch, type PolicyRule } from '../model/index.js';
import { portNames, portRanges, protocolNumber, type SetRegistry } from './registry.js';
import { MARK_ACCEPT, MARK_PASS, type Action, type Match, type Origin, type Rule } from './types.js';

export interface RuleContext {
  sets: SetRegistry;
  /** Origin for this rule (id and span filled by the caller). */
  origin: Origin;
  /** Untracked (doNotTrack) policies also stop connection tracking for what they allow. */
  untracked: boolean;
  logPrefix: string;
}

/**
 * Allow and Pass set a mark bit and return to the endpoint chain, which decides what
 * the bit means (end the chain as allowed / skip to the next tier); Deny drops at once;
 * Log logs and goes on (docs/calico-semantics.md §3.2).
 */
function actionsFor(rule: PolicyRule, context: RuleContext): Action[] {
  switch (rule.action) {
    case 'Allow':
      return context.untracked
        ? [{ kind: 'setMark', mask: MARK_ACCEPT, value: MARK_ACCEPT }, { kind: 'notrack' }, { kind: 'return' }]
        : [{ kind: 'setMark', mask: MARK_ACCEPT, value: MARK_ACCEPT }, { kind: 'return' }];
    case 'Pass':
      return [{ kind: 'setMark', mask: MARK_PASS, value: MARK_PASS }, { kind: 'return' }];
    case 'Deny':
      return [{ kind: 'drop' }];
    case 'Log':
      return [{ kind: 'log', prefix: context.logPrefix }];
  }
}

/** Felix's FilterRuleToIPVersion: the nets of one family, or `dropped` when a non-empty list had none of it. */
function netsOf(nets: readonly string[], version: 4 | 6): string[] | 'dropped' {
  if (nets.length === 0) return [];
  const kept = nets.filter((net) => parsePrefix(net)?.version === version);
  return kept.length === 0 ? 'dropped' : kept;
}

/** Whether a rule needs a family-specific form (it names addresses, sets of addresses or ICMP types). */
function familySpecific(rule: PolicyRule): boolean {
  const side = (match: EntityMatch) =>
    match.nets.length > 0 ||
    match.notNets.length > 0 ||
    match.selector !== undefined ||
    match.notSelector !== undefined ||
    portNames(match.ports).length > 0 ||
    portNames(match.notPorts).length > 0;
  return rule.ipVersion !== undefined || side(rule.source) || side(rule.destination) || rule.icmp !== undefined || rule.notIcmp !== undefined;
}

type Side = 'source' | 'destination';

/**
 * The positive port alternatives of a side: numeric ranges (one match) and each named
 * port (one match each). They are ORed; alternatives of different kinds become separate
 * IR rules with the same action (first match wins, so a sequence of rules with one
 * action is their OR).
 */
function portAlternatives(match: EntityMatch, side: Side, rule: PolicyRule, version: 4 | 6 | undefined, sets: SetRegistry): (Match | undefined)[] {
  const alternatives: (Match | undefined)[] = [];
  const ranges = portRanges(match.ports);
  if (ranges.length > 0) alternatives.push({ kind: side === 'source' ? 'sourcePort' : 'destinationPort', ranges, negate: false });
  for (const name of portNames(match.ports)) {
    if (version === undefined) throw new Error('bug: named port in a family-independent rule');
    const set = sets.namedPortSet(name, rule.protocol, match.selector, version);
    alternatives.push({ kind: side === 'source' ? 'sourceNamedPort' : 'destinationNamedPort', set, negate: false });
  }
  return alternatives.length > 0 ? alternatives : [undefined];
}

function positiveAddressMatches(match: EntityMatch, side: Side, nets: string[], version: 4 | 6 | undefined, sets: SetRegistry): Match[] {
  const out: Match[] = [];
  if (nets.length > 0 && version !== undefined) out.push({ kind: side === 'source' ? 'sourceNet' : 'destinationNet', version, nets, negate: false });
  if (match.selector && version !== undefined) {
    // Felix folds a positive selector and a notSelector into one set: (pos) && !(neg) (docs/calico-semantics.md §1.7).
    const set = sets.selectorSet(match.selector, version, match.notSelector);
    out.push({ kind: side === 'source' ? 'sourceSet' : 'destinationSet', set, negate: false });
  }
  return out;
}

function negativeMatches(match: EntityMatch, side: Side, notNets: string[], rule: PolicyRule, version: 4 | 6 | undefined, sets: SetRegistry): Match[] {
  const out: Match[] = [];
  if (notNets.length > 0 && version !== undefined) out.push({ kind: side === 'source' ? 'sourceNet' : 'destinationNet', version, nets: notNets, negate: true });
  if (!match.selector && match.notSelector && version !== undefined) {
    out.push({ kind: side === 'source' ? 'sourceSet' : 'destinationSet', set: sets.selectorSet(match.notSelector, version), negate: true });
  }
  const ranges = portRanges(match.notPorts);
  if (ranges.length > 0) out.push({ kind: side === 'source' ? 'sourcePort' : 'destinationPort', ranges, negate: true });
  for (const name of portNames(match.notPorts)) {
    if (version === undefined) throw new Error('bug: named port in a family-independent rule');
    const set = sets.namedPortSet(name, rule.protocol, match.selector, version);
    out.push({ kind: side === 'source' ? 'sourceNamedPort' : 'destinationNamedPort', set, negate: true });
  }
  return out;
}

/** The IR rules of one policy rule for one family (`undefined`: a family-independent rule). */
function rulesForFamily(rule: PolicyRule, version: 4 | 6 | undefined, context: RuleContext): Rule[] {
  const nets = { source: rule.source.nets, destination: rule.destination.nets, notSource: rule.source.notNets, notDestination: rule.destination.notNets };
  const filtered = version === undefined ? nets : Object.fromEntries(Object.entries(nets).map(([k, v]) => [k, netsOf(v, version)]));
  if (Object.values(filtered).some((value) => value === 'dropped')) return [];
  const { source, destination, notSource, notDestination } = filtered as Record<string, string[]>;
  const head: Match[] = version !== undefined ? [{ kind: 'family', version }] : [];
  if (rule.protocol !== undefined) head.push({ kind: 'protocol', protocols: [protocolNumber(rule.protocol)], negate: false });
  const sourceAddress = positiveAddressMatches(rule.source, 'source', source!, version, context.sets);
  const destinationAddress = positiveAddressMatches(rule.destination, 'destination', destination!, version, context.sets);
  // A positive match on an empty set never holds: leave the rule out (fewer rules per packet, same meaning).
  if ([...sourceAddress, ...destinationAddress].some((m) => isEmptySetMatch(m, context.sets))) return [];
  const tail: Match[] = [];
  if (rule.icmp?.type !== undefined && version !== undefined) tail.push(icmpMatch(rule.icmp, version, false));
  if (rule.notProtocol !== undefined) tail.push({ kind: 'protocol', protocols: [protocolNumber(rule.notProtocol)], negate: true });
  tail.push(...negativeMatches(rule.source, 'source', notSource!, rule, version, context.sets));
  tail.push(...negativeMatches(rule.destination, 'destination', notDestination!, rule, version, context.sets));
  if (rule.notIcmp?.type !== undefined && version !== undefined) tail.push(icmpMatch(rule.notIcmp, version, true));
  const actions = actionsFor(rule, context);
  const rules: Rule[] = [];
  const alternatives = (side: EntityMatch, name: Side) =>
    portAlternatives(side, name, rule, version, context.sets).filter((m) => m === undefined || !isEmptySetMatch(m, context.sets));
  for (const sourcePort of alternatives(rule.source, 'source')) {
    for (const destinationPort of alternatives(rule.destination, 'destination')) {
      const matches = [...head, ...sourceAddress, ...(sourcePort ? [sourcePort] : []), ...destinationAddress, ...(destinationPort ? [destinationPort] : []), ...tail];
      rules.push({ matches, actions: actions.map((a) => ({ ...a })), origin: context.origin });
    }
  }
  return rules;
}

function isEmptySetMatch(match: Match, sets: SetRegistry): boolean {
  if ('negate' in match && match.negate) return false;
  switch (match.kind) {
    case 'sourceSet':
    case 'destinationSet':
    case 'sourceNamedPort':
    case 'destinationNamedPort':
      return sets.isEmpty(match.set);
    default:
      return false;
  }
}

function icmpMatch(icmp: { type?: number; code?: number }, version: 4 | 6, negate: boolean): Match {
  const match: Match = { kind: 'icmp', version, type: icmp.type as number, negate };
  if (icmp.code !== undefined) match.code = icmp.code;
  return match;
}

/**
 * The IR rules of one policy or profile rule. Parts calpol cannot enforce fail closed:
 * an Allow, Pass or Log rule that uses them is left out (it never matches); a Deny rule
 * is kept without them (it matches more, never less).
 */
export function lowerRule(rule: PolicyRule, context: RuleContext): Rule[] {
  if (rule.unsupported && rule.unsupported.length > 0 && rule.action !== 'Deny') return [];
  if (!familySpecific(rule)) return rulesForFamily(rule, undefined, context);
  const versions: (4 | 6)[] = rule.ipVersion ? [rule.ipVersion] : [4, 6];
  return versions.flatMap((version) => rulesForFamily(rule, version, context));
}
