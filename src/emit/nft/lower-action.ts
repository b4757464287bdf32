import type { Action, Rule } from '../../ir/index.js';
import type { NftStatement } from './json-types.js';
import { lowerMatch, meta, requiresPortProtocol, u32, type SetLookup } from './lower-match.js';
import { checkRule } from './rule-checks.js';
import { assertIrName, logPrefixText } from './text-safety.js';

/**
 * `meta mark set (meta mark & ~mask) | value`, exactly the IR's update: nft compiles it
 * to one bitwise `(reg & keep) ^ value` and a `meta set mark` (checked with
 * `nft --debug=netlink`: `( reg 1 & 0xfffeffff ) ^ 0x00010000` for the accept bit).
 */
function setMark(mask: number, value: number): NftStatement {
  const keep = ~u32(mask, 'mark mask') >>> 0;
  return { mangle: { key: meta('mark'), value: { '|': [{ '&': [meta('mark'), keep] }, u32(value, 'mark value')] } } };
}

export function lowerAction(action: Action): NftStatement {
  switch (action.kind) {
    case 'accept':
      return { accept: null };
    case 'drop':
      return { drop: null };
    case 'return':
      return { return: null };
    case 'reject':
      return { reject: null };
    case 'jump':
      return { jump: { target: assertIrName('chain', action.target) } };
    case 'goto':
      return { goto: { target: assertIrName('chain', action.target) } };
    case 'dispatch':
      return { vmap: { key: meta(action.on === 'inInterface' ? 'iifname' : 'oifname'), data: `@${assertIrName('map', action.map)}` } };
    case 'setMark':
      return setMark(action.mask, action.value);
    case 'log':
      return { log: { prefix: logPrefixText(action.prefix) } };
    case 'notrack':
      return { notrack: null };
    case 'masquerade':
      return { masquerade: null };
  }
}

/**
 * A rule's statements: its matches in IR order, with one l4proto dependency before the
 * first port match when the rule does not require a port protocol itself (lower-match.ts),
 * then its actions.
 */
export function lowerRuleStatements(rule: Rule, sets: SetLookup, where: string): NftStatement[] {
  checkRule(rule, sets, where);
  let portGuarded = requiresPortProtocol(rule.matches);
  const statements: NftStatement[] = [];
  for (const m of rule.matches) {
    const lowered = lowerMatch(m, { sets, portGuarded });
    if (m.kind === 'sourcePort' || m.kind === 'destinationPort') portGuarded = true;
    statements.push(...lowered);
  }
  statements.push(...rule.actions.map(lowerAction));
  // A rule without statements is silently not created by nft.
  if (statements.length === 0) throw new Error(`bug: ${where}: a rule with neither matches nor actions cannot be written to nft`);
  return statements;
}
