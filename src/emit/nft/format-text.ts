import type { Program } from '../../ir/index.js';
import { emitNft, type EmitNftOptions } from './emit.js';
import type { NftChainObject, NftExpr, NftMapObject, NftRuleObject, NftSetObject, NftStatement, NftVerdictStatement } from './json-types.js';
import { NFT_TEXT_KEYWORDS } from './text-keywords.js';
import { commentForOrigin } from './text-safety.js';

/**
 * The ruleset in nft's own syntax, for people (`nft -f` loads it too, replacing the table
 * the same way as the JSON document). It is printed from the JSON document, so both
 * forms come from one lowering. Strings in it are either escaped (comments, log
 * prefixes) or checked names, so quoting never has to escape anything.
 */

/** nft's scanner reads `[A-Za-z_.][A-Za-z0-9/_.-]*` as one identifier unless it is a keyword. */
const TEXT_IDENTIFIER = /^[A-Za-z_.][A-Za-z0-9/_.-]*$/;

function textName(what: string, name: string): string {
  if (!TEXT_IDENTIFIER.test(name) || NFT_TEXT_KEYWORDS.has(name)) {
    throw new Error(`${what} name ${JSON.stringify(name)} cannot be written in nft text syntax (nft 1.0.6 has no quoted names); use the JSON target`);
  }
  return name;
}

const hex = (value: number) => `0x${value.toString(16).padStart(8, '0')}`;

interface ExprStyle {
  /** Strings are interface names (quoted). */
  quoted: boolean;
  /** Numbers are marks (hex). */
  hex: boolean;
}

function printExpr(expr: NftExpr, style: ExprStyle): string {
  if (typeof expr === 'string') {
    if (expr.startsWith('@')) return `@${textName('set', expr.slice(1))}`;
    return style.quoted ? `"${expr}"` : expr;
  }
  if (typeof expr === 'number') return style.hex ? hex(expr) : String(expr);
  if ('meta' in expr) return `meta ${expr.meta.key}`;
  if ('ct' in expr) return `ct ${expr.ct.key}`;
  if ('payload' in expr) return `${expr.payload.protocol} ${expr.payload.field}`;
  if ('prefix' in expr) return `${expr.prefix.addr}/${expr.prefix.len}`;
  if ('range' in expr) return `${expr.range[0]}-${expr.range[1]}`;
  if ('set' in expr) return `{ ${expr.set.map((item) => printExpr(item, style)).join(', ')} }`;
  if ('concat' in expr) return expr.concat.map((item) => printExpr(item, style)).join(' . ');
  if ('&' in expr) return `${printExpr(expr['&'][0], style)} & ${printExpr(expr['&'][1], style)}`;
  return `${printExpr(expr['|'][0], style)} | ${printExpr(expr['|'][1], style)}`;
}

function styleOf(left: NftExpr): ExprStyle {
  const key = typeof left === 'object' && 'meta' in left ? left.meta.key : typeof left === 'object' && '&' in left ? 'mark' : undefined;
  return { quoted: key === 'iifname' || key === 'oifname', hex: key === 'mark' };
}

function printVerdict(verdict: NftVerdictStatement): string {
  if ('jump' in verdict) return `jump ${textName('chain', verdict.jump.target)}`;
  if ('goto' in verdict) return `goto ${textName('chain', verdict.goto.target)}`;
  return Object.keys(verdict)[0] as string;
}

function printStatement(statement: NftStatement): string {
  if ('match' in statement) {
    const { op, left, right } = statement.match;
    const style = styleOf(left);
    // `in` (calpol's port dependency) and `==` are nft's implicit relation; a masked mark needs an explicit `==`.
    const relation = op === '!=' ? '!= ' : typeof left === 'object' && '&' in left ? '== ' : '';
    return `${printExpr(left, style)} ${relation}${printExpr(right, style)}`;
  }
  if ('log' in statement) return `log prefix "${statement.log.prefix}"`;
  if ('mangle' in statement) return `meta mark set ${printExpr(statement.mangle.value, { quoted: false, hex: true })}`;
  if ('vmap' in statement) return `${printExpr(statement.vmap.key, { quoted: false, hex: false })} vmap @${textName('map', statement.vmap.data.slice(1))}`;
  if ('reject' in statement || 'masquerade' in statement || 'notrack' in statement) return Object.keys(statement)[0] as string;
  return printVerdict(statement);
}

function printElements(elements: string[], indent: string): string[] {
  if (elements.length === 0) return [];
  return [`${indent}elements = {`, ...elements.map((element, i) => `${indent}\t${element}${i < elements.length - 1 ? ',' : ''}`), `${indent}}`];
}

function printSet(set: NftSetObject, comment: string | undefined): string[] {
  const type = Array.isArray(set.type) ? set.type.join(' . ') : set.type;
  const lines = [`\tset ${textName('set', set.name)} {`, `\t\ttype ${type}`];
  if (set.flags) lines.push(`\t\tflags ${set.flags.join(', ')}`);
  if (comment !== undefined) lines.push(`\t\tcomment "${comment}"`);
  // A loop, not push(...array): a set can have more elements than a call takes arguments.
  for (const line of printElements((set.elem ?? []).map((e) => printExpr(e, { quoted: false, hex: false })), '\t\t')) lines.push(line);
  lines.push('\t}');
  return lines;
}

function printMap(map: NftMapObject, comment: string | undefined): string[] {
  const lines = [`\tmap ${textName('map', map.name)} {`, `\t\ttype ${map.type} : ${map.map}`];
  if (map.flags) lines.push(`\t\tflags ${map.flags.join(', ')}`);
  if (comment !== undefined) lines.push(`\t\tcomment "${comment}"`);
  const elements = (map.elem ?? []).map(([key, verdict]) => `"${key}" : ${printVerdict(verdict)}`);
  for (const line of printElements(elements, '\t\t')) lines.push(line);
  lines.push('\t}');
  return lines;
}

function printChain(chain: NftChainObject, rules: NftRuleObject[]): string[] {
  const lines = [`\tchain ${textName('chain', chain.name)} {`];
  if (chain.hook !== undefined) lines.push(`\t\ttype ${chain.type} hook ${chain.hook} priority ${chain.prio}; policy ${chain.policy};`);
  for (const rule of rules) lines.push(`\t\t${rule.expr.map(printStatement).join(' ')} comment "${rule.comment}"`);
  lines.push('\t}');
  return lines;
}

/** The program as an nft script: replaces `table inet <table>` atomically, like the JSON form. */
export function formatNftText(program: Program, options: EmitNftOptions = {}): string {
  const document = emitNft(program, options);
  const table = textName('table', options.table ?? 'calpol');
  const blocks: string[][] = [];
  const rules = new Map<string, NftRuleObject[]>();
  const chains: NftChainObject[] = [];
  const setOrigins = new Map(program.sets.map((set) => [set.name, commentForOrigin(set.origin.id)]));
  const mapOrigins = new Map(program.maps.map((map) => [map.name, commentForOrigin(map.origin.id)]));
  for (const command of document.nftables) {
    if (!('add' in command)) continue;
    const added = command.add;
    if ('set' in added) blocks.push(printSet(added.set, setOrigins.get(added.set.name)));
    else if ('map' in added) blocks.push(printMap(added.map, mapOrigins.get(added.map.name)));
    else if ('chain' in added) chains.push(added.chain);
    else if ('rule' in added) {
      const list = rules.get(added.rule.chain);
      if (list) list.push(added.rule);
      else rules.set(added.rule.chain, [added.rule]);
    }
  }
  for (const chain of chains) blocks.push(printChain(chain, rules.get(chain.name) ?? []));
  const header = [
    '#!/usr/sbin/nft -f',
    `# Generated by calpol. Replaces table inet ${table} atomically and touches nothing else.`,
    `add table inet ${table}`,
    `delete table inet ${table}`,
    '',
  ];
  return `${[...header, `table inet ${table} {`, blocks.map((block) => block.join('\n')).join('\n\n'), '}'].join('\n')}\n`;
}
