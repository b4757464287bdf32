import type { Action, Match, Rule, TableKind } from '../../ir/index.js';
import { commentForOrigin } from './comment.js';
import { interfaceToIptables } from './interfaces.js';
import { formatRanges } from './ports.js';

/**
 * A lowered rule as the arguments of one `-A <chain>` line, in the form iptables-save
 * prints it back (so a loaded ruleset can be compared with the file line by line):
 * `-s -d -i -o -p`, the comment, the match modules, the target.
 */

/** Protocol names iptables-save prints (from /etc/protocols); other numbers stay numbers. */
export const PROTOCOL_NAMES: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'ipv6-icmp', 132: 'sctp', 136: 'udplite' };

export const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

const not = (negate: boolean): string => (negate ? '! ' : '');

/** A string argument as iptables-save prints it (xtables_save_string): bare when only [A-Za-z0-9_-], else quoted. */
export const quote = (text: string): string => (/^[A-Za-z0-9_-]+$/.test(text) ? text : `"${text}"`);

/** The text of one match; `version` is the file's family (ICMP and REJECT differ). */
function renderMatch(match: Match): string {
  switch (match.kind) {
    case 'family':
      return '';
    case 'sourceNet':
      return `${not(match.negate)}-s ${match.nets[0]}`;
    case 'destinationNet':
      return `${not(match.negate)}-d ${match.nets[0]}`;
    case 'inInterface':
      return `${not(match.negate)}-i ${interfaceToIptables(match.names[0] as string)}`;
    case 'outInterface':
      return `${not(match.negate)}-o ${interfaceToIptables(match.names[0] as string)}`;
    case 'protocol': {
      const protocol = match.protocols[0] as number;
      return `${not(match.negate)}-p ${PROTOCOL_NAMES[protocol] ?? protocol}`;
    }
    case 'ctState':
      return `-m conntrack ${not(match.negate)}--ctstate ${match.states.map((s) => s.toUpperCase()).join(',')}`;
    case 'mark': {
      const mask = match.mask === 0xffffffff ? '' : `/${hex(match.mask)}`;
      return `-m mark ${not(match.negate)}--mark ${hex(match.value)}${mask}`;
    }
    case 'sourceSet':
    case 'destinationSet':
      return `-m set ${not(match.negate)}--match-set ${match.set} ${match.kind === 'sourceSet' ? 'src' : 'dst'}`;
    case 'sourceNamedPort':
    case 'destinationNamedPort':
      return `-m set ${not(match.negate)}--match-set ${match.set} ${match.kind === 'sourceNamedPort' ? 'src,src' : 'dst,dst'}`;
    case 'sourcePort':
    case 'destinationPort':
      return `-m multiport ${not(match.negate)}--${match.kind === 'sourcePort' ? 'sports' : 'dports'} ${formatRanges(match.ranges)}`;
    case 'icmp': {
      const value = match.code === undefined ? `${match.type}` : `${match.type}/${match.code}`;
      return match.version === 4 ? `-m icmp ${not(match.negate)}--icmp-type ${value}` : `-m icmp6 ${not(match.negate)}--icmpv6-type ${value}`;
    }
  }
}

function renderAction(action: Action, table: TableKind, version: 4 | 6): string {
  switch (action.kind) {
    case 'accept':
      return '-j ACCEPT';
    case 'drop':
      return '-j DROP';
    case 'reject':
      if (table !== 'filter') throw new Error(`iptables: reject outside the filter table (${table})`);
      return `-j REJECT --reject-with ${version === 4 ? 'icmp-port-unreachable' : 'icmp6-port-unreachable'}`;
    case 'return':
      return '-j RETURN';
    case 'jump':
      return `-j ${action.target}`;
    case 'goto':
      return `-g ${action.target}`;
    case 'setMark':
      return `-j MARK --set-xmark ${hex(action.value)}/${hex(action.mask)}`;
    case 'log':
      return action.prefix === '' ? '-j LOG' : `-j LOG --log-prefix ${quote(action.prefix)}`;
    case 'notrack':
      if (table !== 'raw') throw new Error(`iptables: notrack outside the raw table (${table})`);
      return '-j CT --notrack';
    case 'masquerade':
      if (table !== 'nat') throw new Error(`iptables: masquerade outside the nat table (${table})`);
      return '-j MASQUERADE';
    case 'dispatch':
      throw new Error('iptables: dispatch must be lowered first (lowerForIptables)');
  }
}

const FIRST_KINDS = new Set<Match['kind']>(['sourceNet', 'destinationNet', 'inInterface', 'outInterface', 'protocol']);

export interface RenderPlace {
  chain: string;
  table: TableKind;
  version: 4 | 6;
}

/**
 * Checks the rule is flat (what lowerForIptables makes) and renders its `-A` line after
 * `-A <chain> `: the same in every chain (the chain only names errors).
 */
export function renderRuleBody(rule: Rule, place: RenderPlace): string {
  if (rule.actions.length > 1) throw new Error(`iptables: ${place.chain}: a rule with several actions must be lowered first`);
  const seen = new Set<string>();
  for (const match of rule.matches) {
    const single = 'nets' in match ? match.nets : 'names' in match ? match.names : 'protocols' in match ? match.protocols : undefined;
    if (FIRST_KINDS.has(match.kind) && (seen.has(match.kind) || single?.length !== 1)) {
      throw new Error(`iptables: ${place.chain}: ${match.kind} must be lowered first (one value per rule)`);
    }
    if ((match.kind === 'sourcePort' || match.kind === 'destinationPort') && formatRanges(match.ranges).split(',').length + match.ranges.filter((r) => r.min !== r.max).length > 15) {
      throw new Error(`iptables: ${place.chain}: more than 15 multiport slots`);
    }
    seen.add(match.kind);
  }
  const parts: string[] = [];
  const first = rule.matches.filter((m) => FIRST_KINDS.has(m.kind));
  const modules = rule.matches.filter((m) => !FIRST_KINDS.has(m.kind) && m.kind !== 'family');
  parts.push(...first.map(renderMatch));
  parts.push(`-m comment --comment ${quote(commentForOrigin(rule.origin.id))}`);
  parts.push(...modules.map(renderMatch));
  const action = rule.actions[0];
  if (action) parts.push(renderAction(action, place.table, place.version));
  return parts.join(' ');
}
