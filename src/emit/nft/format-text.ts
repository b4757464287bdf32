import type { Program } from '../../ir/index.js';
import { chainCommandObject, checkProgram, mapCommandObject, ruleObject, setCommandObject, type CheckedProgram, type EmitNftOptions } from './emit.js';
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

function printChainHead(chain: NftChainObject): string {
  const head = `\tchain ${textName('chain', chain.name)} {\n`;
  if (chain.hook === undefined) return head;
  return `${head}\t\ttype ${chain.type} hook ${chain.hook} priority ${chain.prio}; policy ${chain.policy};\n`;
}

const printRule = (rule: NftRuleObject) => `\t\t${rule.expr.map(printStatement).join(' ')} comment "${rule.comment}"\n`;

/** Every name the text will hold, checked before the first chunk: a refusal writes nothing. */
function checkTextNames(program: Program): void {
  for (const set of program.sets) textName('set', set.name);
  for (const map of program.maps) textName('map', map.name);
  for (const chain of program.chains) textName('chain', chain.name);
}

/**
 * Blocks (a set, a map, a chain) are separated by an empty line; a chain's rules are one
 * chunk each, since one chain can hold most of a ruleset's rules.
 */
function* textChunksOf(checked: CheckedProgram, table: string): Generator<string> {
  const { program } = checked;
  yield [
    '#!/usr/sbin/nft -f',
    `# Generated by calpol. Replaces table inet ${table} atomically and touches nothing else.`,
    `add table inet ${table}`,
    `delete table inet ${table}`,
    '',
    `table inet ${table} {`,
    '',
  ].join('\n');
  let separator = '';
  for (const set of program.sets) {
    yield `${separator}${printSet(setCommandObject(checked, set), commentForOrigin(set.origin.id)).join('\n')}\n`;
    separator = '\n';
  }
  for (const map of program.maps) {
    yield `${separator}${printMap(mapCommandObject(checked, map), commentForOrigin(map.origin.id)).join('\n')}\n`;
    separator = '\n';
  }
  for (const chain of program.chains) {
    yield separator + printChainHead(chainCommandObject(checked, chain));
    separator = '\n';
    for (let index = 0; index < chain.rules.length; index++) yield printRule(ruleObject(checked, chain, index));
    yield '\t}\n';
  }
  // No block at all: the braces still enclose one empty line, as the joined form always had.
  yield separator === '' ? '\n}\n' : '}\n';
}

/**
 * The program as an nft script, in chunks (see textChunksOf): replaces `table inet <table>`
 * atomically, like the JSON form. The program and every name are checked now.
 */
export function nftTextChunks(program: Program, options: EmitNftOptions = {}): Iterable<string> {
  const checked = checkProgram(program, options);
  const table = textName('table', checked.table);
  checkTextNames(program);
  return textChunksOf(checked, table);
}

/** The whole script as one string: the chunks of nftTextChunks joined (small programs, tests). */
export function formatNftText(program: Program, options: EmitNftOptions = {}): string {
  return Array.from(nftTextChunks(program, options)).join('');
}
