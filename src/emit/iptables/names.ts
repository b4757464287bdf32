import { shortHash } from '../../diag/index.js';
import type { Hook, HookName, Rule, TableKind } from '../../ir/index.js';

/** Tables in the order they are written. */
export const TABLES: readonly TableKind[] = ['raw', 'mangle', 'filter', 'nat'];

const HOOK_ORDER: readonly HookName[] = ['prerouting', 'input', 'forward', 'output', 'postrouting'];

/** The built-in chain of each (table, hook) that iptables has. */
const BUILTIN: Record<TableKind, Partial<Record<HookName, string>>> = {
  raw: { prerouting: 'PREROUTING', output: 'OUTPUT' },
  mangle: { prerouting: 'PREROUTING', input: 'INPUT', forward: 'FORWARD', output: 'OUTPUT', postrouting: 'POSTROUTING' },
  filter: { input: 'INPUT', forward: 'FORWARD', output: 'OUTPUT' },
  nat: { prerouting: 'PREROUTING', input: 'INPUT', output: 'OUTPUT', postrouting: 'POSTROUTING' },
};

export function builtinChain(table: TableKind, hook: HookName): string {
  const name = BUILTIN[table][hook];
  if (!name) throw new Error(`iptables: table ${table} has no ${hook} chain`);
  return name;
}

export function hookOfBuiltin(table: TableKind, builtin: string): HookName | undefined {
  return HOOK_ORDER.find((hook) => BUILTIN[table][hook] === builtin);
}

/**
 * calpol's own chain under each built-in chain it uses (`calpol-FORWARD`): the only thing
 * the built-in chain jumps to, so that a reload replaces everything but that one jump.
 */
export const TOP_CHAIN_PREFIX = 'calpol-';
export const topChainName = (table: TableKind, hook: HookName): string => `${TOP_CHAIN_PREFIX}${builtinChain(table, hook)}`;

export const tableRank = (table: TableKind): number => TABLES.indexOf(table);
export const hookRank = (hook: HookName): number => HOOK_ORDER.indexOf(hook);

export function compareHooks(a: Hook, b: Hook): number {
  return tableRank(a.table) - tableRank(b.table) || hookRank(a.hook) - hookRank(b.hook) || a.priority - b.priority;
}

/** Built-in chain names and target names: a user chain must not be called like one. */
const RESERVED = new Set([
  'INPUT', 'FORWARD', 'OUTPUT', 'PREROUTING', 'POSTROUTING',
  'ACCEPT', 'DROP', 'RETURN', 'QUEUE', 'REJECT', 'LOG', 'MARK', 'CT', 'MASQUERADE', 'NOTRACK', 'SNAT', 'DNAT',
]);
const CHAIN_NAME = /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,27}$/;
const SET_NAME = /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,30}$/;

export const isChainName = (name: string): boolean => CHAIN_NAME.test(name) && !RESERVED.has(name);

export function assertChainName(name: string): string {
  if (!isChainName(name)) throw new Error(`iptables: chain name ${JSON.stringify(name)} cannot be used`);
  return name;
}

export function assertSetName(name: string): string {
  if (!SET_NAME.test(name)) throw new Error(`iptables: set name ${JSON.stringify(name)} cannot be used`);
  return name;
}

/** Prefixes of the chains the lowering makes (each + 16 hex digits of its content's SHA-256). */
export const HELPER_PREFIX = {
  /** One alternative of an OR block per rule, each going on to the next block. */
  or: 'calpol-or-',
  /** One rule per negated alternative: any of them matching fails the condition. */
  not: 'calpol-not-',
  /** A rule's statements when it has more than one. */
  do: 'calpol-do-',
  /** An interface map as a dispatch chain. */
  map: 'calpol-map-',
} as const;

/**
 * JSON with object keys sorted: equal data gives equal text whatever order its keys were
 * set in. Written out by hand rather than with a JSON.stringify replacer that rebuilds
 * every object: helper names and family merging serialize every rule of a program.
 * The text is JSON.stringify's of the data with each object's keys re-inserted sorted
 * (array-index keys, which objects always list first, then the others in code-unit order).
 */
export function canonicalJson(value: unknown): string {
  return writeJson(value, false) as string;
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;
const isArrayIndex = (key: string): boolean => ARRAY_INDEX.test(key) && Number(key) < 4294967295;

function writeJson(value: unknown, inArray: boolean): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      // toJSON (dates) and boxed primitives: let JSON.stringify decide, as it did before.
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function' || !isPlainContainer(value)) {
        return slowCanonicalJson(value) ?? (inArray ? 'null' : undefined);
      }
      return Array.isArray(value) ? writeArray(value) : writeObject(value as Record<string, unknown>);
    case 'bigint':
      return JSON.stringify(value); // throws, as JSON.stringify does
    default:
      return inArray ? 'null' : undefined; // undefined, functions, symbols
  }
}

function isPlainContainer(value: object): boolean {
  return !(value instanceof String || value instanceof Number || value instanceof Boolean || value instanceof BigInt);
}

function writeArray(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) out += (i > 0 ? ',' : '') + writeJson(items[i], true);
  return `${out}]`;
}

function writeObject(object: Record<string, unknown>): string {
  const keys = Object.keys(object);
  // Object.keys lists array-index keys first, ascending: only the rest is sorted.
  let indexKeys = 0;
  while (indexKeys < keys.length && isArrayIndex(keys[indexKeys] as string)) indexKeys++;
  const sorted = indexKeys === 0 ? keys.sort() : [...keys.slice(0, indexKeys), ...keys.slice(indexKeys).sort()];
  let out = '{';
  for (const key of sorted) {
    const text = writeJson(object[key], false);
    if (text === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${text}`;
  }
  return `${out}}`;
}

/** The reference form of canonicalJson (what it always printed). */
function slowCanonicalJson(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

export function contentName(prefix: string, content: unknown): string {
  return contentNameOfJson(prefix, canonicalJson(content));
}

/**
 * The canonical JSON of what of each rule reaches the ruleset text: its matches, actions
 * and origin id. An origin's span (file, line, column) is left out: helper chains are
 * named by this text, and a name that saw positions would change when a file is renamed,
 * a comment added or documents reordered, though the ruleset is the same.
 */
export function emittedRulesJson(rules: readonly Rule[]): string {
  return canonicalJson(rules.map((rule) => ({ matches: rule.matches, actions: rule.actions, origin: rule.origin.id })));
}

/** contentName when the canonical JSON is already at hand. */
export function contentNameOfJson(prefix: string, json: string): string {
  const hash = shortHash(json, 16);
  return `${prefix}${hash}`;
}
