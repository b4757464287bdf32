import type { NftDocument } from './json-types.js';

/**
 * Object keys in this order, wherever they appear (unknown keys after them, sorted), so
 * the text depends on nothing but the document's content: objects built in any key
 * order print the same.
 */
const KEY_ORDER = [
  'nftables',
  'metainfo',
  'json_schema_version',
  'family',
  'table',
  'chain',
  'name',
  'type',
  'hook',
  'prio',
  'policy',
  'map',
  'flags',
  'elem',
  'comment',
  'expr',
  'op',
  'left',
  'right',
  'key',
  'value',
  'data',
  'protocol',
  'field',
  'addr',
  'len',
  'target',
  'prefix',
];
const RANK = new Map(KEY_ORDER.map((key, index) => [key, index]));

function compareKeys(a: string, b: string): number {
  const ra = RANK.get(a) ?? KEY_ORDER.length;
  const rb = RANK.get(b) ?? KEY_ORDER.length;
  if (ra !== rb) return ra - rb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => compareKeys(a, b));
  return Object.fromEntries(entries.map(([key, inner]) => [key, ordered(inner)]));
}

/** The document as `nft -j -f` input: 2-space indented JSON, fixed key order, trailing newline. */
export function formatNftJson(document: NftDocument): string {
  return `${JSON.stringify(ordered(document), null, 2)}\n`;
}
