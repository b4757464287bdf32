import type { Hook, HookName, TableKind } from '../../ir/index.js';
import type { NftChainType } from './json-types.js';

/**
 * nft has no tables per kind: one `inet` table holds every hook's base chain, and what
 * iptables calls the raw, mangle and filter tables are `filter`-type chains at the
 * standard priorities (raw -300, mangle -150, filter 0); nat is the `nat` chain type
 * (srcnat 100 at postrouting). nft keeps no other trace of the table kind, so the
 * decoder reads it back from (type, priority): raw and mangle hooks must use their
 * standard priority, and a filter hook must not use one of those two.
 */
const STANDARD_PRIORITY: Partial<Record<TableKind, number>> = { raw: -300, mangle: -150 };
const HOOKS: readonly HookName[] = ['prerouting', 'input', 'forward', 'output', 'postrouting'];

export function chainTypeFor(hook: Hook): NftChainType {
  if (!Number.isInteger(hook.priority) || Math.abs(hook.priority) > 0x7fffffff) {
    throw new Error(`bug: hook ${hook.chain} has a non-integer priority ${hook.priority}`);
  }
  if (!HOOKS.includes(hook.hook)) throw new Error(`bug: unknown hook ${JSON.stringify(hook.hook)}`);
  if (hook.table === 'nat') return 'nat';
  const standard = STANDARD_PRIORITY[hook.table];
  if (standard !== undefined && hook.priority !== standard) {
    throw new Error(`bug: ${hook.table} hook ${hook.chain} at priority ${hook.priority}: nft needs ${standard} to mark it as ${hook.table}`);
  }
  if (hook.table === 'filter' && Object.values(STANDARD_PRIORITY).includes(hook.priority)) {
    throw new Error(`bug: filter hook ${hook.chain} at priority ${hook.priority}, which would read back as raw or mangle`);
  }
  return 'filter';
}

export function tableKindOf(type: NftChainType, priority: number): TableKind {
  if (type === 'nat') return 'nat';
  if (priority === STANDARD_PRIORITY.raw) return 'raw';
  if (priority === STANDARD_PRIORITY.mangle) return 'mangle';
  return 'filter';
}

export function isHookName(value: unknown): value is HookName {
  return typeof value === 'string' && (HOOKS as readonly string[]).includes(value);
}
