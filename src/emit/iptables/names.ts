import { createHash } from 'node:crypto';
import type { Hook, HookName, TableKind } from '../../ir/index.js';

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

/** JSON with object keys sorted: equal data gives equal text whatever order its keys were set in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

export function contentName(prefix: string, content: unknown): string {
  const hash = createHash('sha256').update(canonicalJson(content)).digest('hex').slice(0, 16);
  return `${prefix}${hash}`;
}
