import type { Hook, Origin, Program, Rule, TableKind } from '../../ir/index.js';
import { commentForOrigin, originIdFromComment } from './comment.js';
import { HOOK_COMMENT, POLICY_DROP_COMMENT } from './emit.js';
import { impliedFamily, mergeFamilies, type SetTypes } from './family.js';
import { decodeIpsets } from './ipsets.js';
import { canonicalJson, compareHooks, hookOfBuiltin, TABLES, TOP_CHAIN_PREFIX } from './names.js';
import { parseRuleLine, type ParsedRule } from './parse.js';

/**
 * calpol's own output → the lowered IR it was made from. Each file gives hooks (from the
 * `calpol-<BUILTIN>` chains) and, per chain, that family's rules; a chain written in
 * several tables must be the same in each. The two families' rule lists are merged with
 * `mergeFamilies` (family.ts), the merge lowerForIptables already normalised to, so
 * decodeIptables(emitIptables(lowerForIptables(p))) deep-equals lowerForIptables(p).
 */

export interface IptablesText {
  iptables: string;
  ip6tables: string;
  ipsets: string;
}

interface FileContent {
  hooks: Hook[];
  /** Chain → its rules in this family; the first table it was read in decides. */
  chains: Map<string, Rule[]>;
}

type OriginLookup = (id: string) => Origin | undefined;

function toRule(parsed: ParsedRule, origins: OriginLookup): Rule {
  const id = originIdFromComment(parsed.comment ?? '');
  return { matches: parsed.matches, actions: parsed.action ? [parsed.action] : [], origin: origins(id) ?? { id } };
}

function hookFromTopRule(table: TableKind, chain: string, parsed: ParsedRule, hooks: Map<string, Hook>): void {
  const hookName = hookOfBuiltin(table, chain.slice(TOP_CHAIN_PREFIX.length));
  if (!hookName) throw new Error(`iptables: ${chain} in ${table} is not a calpol hook chain`);
  const key = `${table} ${hookName}`;
  if (parsed.comment === POLICY_DROP_COMMENT && parsed.action?.kind === 'drop') {
    const hook = hooks.get(key);
    if (!hook) throw new Error(`iptables: policy rule before the hook jump in ${chain}`);
    hook.policy = 'drop';
    return;
  }
  const priority = parsed.comment?.startsWith(HOOK_COMMENT) ? Number(parsed.comment.slice(HOOK_COMMENT.length)) : NaN;
  if (parsed.action?.kind !== 'jump' || !Number.isInteger(priority) || hooks.has(key)) {
    throw new Error(`iptables: unexpected rule in ${chain}`);
  }
  hooks.set(key, { table, hook: hookName, priority, chain: parsed.action.target, policy: 'accept' });
}

function readTable(table: TableKind, lines: readonly string[], origins: OriginLookup, into: FileContent, hooks: Map<string, Hook>) {
  const declared = new Set<string>();
  const rules = new Map<string, Rule[]>();
  for (const line of lines) {
    if (line.startsWith(':')) {
      const name = line.slice(1).split(' ')[0] as string;
      declared.add(name);
      if (!name.startsWith(TOP_CHAIN_PREFIX) || !hookOfBuiltin(table, name.slice(TOP_CHAIN_PREFIX.length))) rules.set(name, []);
      continue;
    }
    const parsed = parseRuleLine(line);
    if (!declared.has(parsed.chain)) throw new Error(`iptables: rule for undeclared chain ${parsed.chain} in ${table}`);
    const list = rules.get(parsed.chain);
    if (list) list.push(toRule(parsed, origins));
    else hookFromTopRule(table, parsed.chain, parsed, hooks);
  }
  for (const [name, list] of rules) {
    const known = into.chains.get(name);
    if (known && canonicalJson(known) !== canonicalJson(list)) throw new Error(`iptables: chain ${name} differs between tables`);
    into.chains.set(name, list);
  }
}

/** Splits a restore file into tables and reads each. */
function readFile(text: string, origins: OriginLookup): FileContent {
  const content: FileContent = { hooks: [], chains: new Map() };
  const hooks = new Map<string, Hook>();
  let table: TableKind | undefined;
  let lines: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      if (table) throw new Error(`iptables: table ${table} has no COMMIT`);
      table = line.slice(1) as TableKind;
      if (!TABLES.includes(table)) throw new Error(`iptables: unknown table ${line}`);
      lines = [];
    } else if (line === 'COMMIT') {
      if (!table) throw new Error('iptables: COMMIT outside a table');
      readTable(table, lines, origins, content, hooks);
      table = undefined;
    } else {
      if (!table) throw new Error(`iptables: line outside a table: ${line}`);
      lines.push(line);
    }
  }
  if (table) throw new Error(`iptables: table ${table} has no COMMIT`);
  content.hooks = [...hooks.values()].sort(compareHooks);
  return content;
}

function checkFamilies(file: FileContent, version: 4 | 6, sets: SetTypes): void {
  for (const [name, rules] of file.chains) {
    for (const rule of rules) {
      const family = impliedFamily(rule.matches, sets);
      if (family !== 'both' && family !== version) throw new Error(`iptables: an IPv${family} rule in the IPv${version} file (${name})`);
    }
  }
}

export function decodeIptables(text: IptablesText, origins: OriginLookup = () => undefined): Program {
  const sets = decodeIpsets(text.ipsets, origins);
  const setTypes: SetTypes = new Map(sets.map((s) => [s.name, s.type]));
  const v4 = readFile(text.iptables, origins);
  const v6 = readFile(text.ip6tables, origins);
  checkFamilies(v4, 4, setTypes);
  checkFamilies(v6, 6, setTypes);
  if (canonicalJson(v4.hooks) !== canonicalJson(v6.hooks)) throw new Error('iptables: the IPv4 and IPv6 files hook different chains');
  const names = [...new Set([...v4.chains.keys(), ...v6.chains.keys()])].sort();
  const chains = names.map((name) => ({
    name,
    rules: mergeFamilies(v4.chains.get(name) ?? [], v6.chains.get(name) ?? [], setTypes),
  }));
  return { hooks: v4.hooks, chains, sets, maps: [] };
}

/** Origins of a program keyed as decodeIptables asks for them (the id its comment gives back). */
export function originLookupFor(program: Program): OriginLookup {
  const byId = new Map<string, Origin>();
  const add = (origin: Origin) => byId.set(originIdFromComment(commentForOrigin(origin.id)), origin);
  for (const chain of program.chains) chain.rules.forEach((rule) => add(rule.origin));
  program.sets.forEach((set) => add(set.origin));
  program.maps.forEach((map) => add(map.origin));
  return (id) => byId.get(id);
}
