import { matchFamily } from '../../ir/index.js';
import type { Action, Match, Rule } from '../../ir/index.js';
import type { SetLookup } from './lower-match.js';

/**
 * IR rules nft would refuse — and one refused rule fails the whole batch, so nothing of
 * the ruleset would load. None of them can come from a correct IR builder, so they are
 * reported as bugs, with the rule, instead of as an nft error with only an array index.
 */

const NON_TERMINAL = new Set<Action['kind']>(['setMark', 'log', 'notrack']);

/** nft refuses a statement after a verdict ("Statement after terminal statement has no effect"). */
function checkActions(actions: readonly Action[], where: string): void {
  actions.forEach((action, index) => {
    if (!NON_TERMINAL.has(action.kind) && index !== actions.length - 1) {
      throw new Error(`bug: ${where}: verdict ${action.kind} is not the last action`);
    }
  });
}

/** The IP family a match restricts packets to (nft adds `meta nfproto` for `ip saddr`, `icmp type`, …). */
function familyOf(match: Match, sets: SetLookup): 4 | 6 | undefined {
  return matchFamily(match, (name) => sets(name)?.type);
}

/**
 * Matches of both families (`ip saddr … ip6 daddr …`, `icmp type … icmpv6 type …`) and a
 * positive protocol list with anything but the ICMP protocol next to an ICMP match
 * (`meta l4proto { 1, 6 } icmp type 8`: nft 1.0.6 says "conflicting protocols specified:
 * tcp vs. icmp", even though ICMP is in the list) can never match; nft rejects them.
 */
function checkCompatibleMatches(matches: readonly Match[], sets: SetLookup, where: string): void {
  const families = new Set(matches.map((m) => familyOf(m, sets)).filter((v) => v !== undefined));
  if (families.size > 1) throw new Error(`bug: ${where}: the rule matches both IPv4 and IPv6 (it can never match; nft rejects it)`);
  for (const icmp of matches) {
    if (icmp.kind !== 'icmp') continue;
    const protocol = icmp.version === 4 ? 1 : 58;
    const other = matches.find((m) => m.kind === 'protocol' && !m.negate && m.protocols.some((p) => p !== protocol));
    if (other) throw new Error(`bug: ${where}: a protocol list with protocols other than ${protocol} next to an ICMP match (nft rejects it)`);
  }
}

export function checkRule(rule: Rule, sets: SetLookup, where: string): void {
  checkActions(rule.actions, where);
  checkCompatibleMatches(rule.matches, sets, where);
}
