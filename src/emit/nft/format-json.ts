import type { NftCommand, NftDocument } from './json-types.js';

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

function keysInOrder(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (compareKeys(keys[i - 1] as string, keys[i] as string) > 0) return false;
  return true;
}

/** Whether every object in the value already has its keys in order (nothing to copy). */
function isOrdered(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(isOrdered);
  if (value === null || typeof value !== 'object') return true;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (!keysInOrder(keys)) return false;
  for (const key of keys) if (!isOrdered(record[key])) return false;
  return true;
}

/** A copy with every object's keys in order. */
function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort(compareKeys);
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = ordered(record[key]);
  return out;
}

/** emitNft builds its objects in this order already: those are written as they are, only others are copied. */
const inKeyOrder = (command: NftCommand): unknown => (isOrdered(command) ? command : ordered(command));

const HEAD = '{"nftables": [\n';

/**
 * The document as `nft -j -f` input: fixed key order, one command per line (a rule, a set,
 * a chain per line keeps a whole-cluster ruleset small and its diffs readable), trailing
 * newline — as a sequence of chunks, one command each, so no string ever holds a whole
 * ruleset (a whole cluster's is larger than V8's longest string). Joined, the chunks are
 * formatNftJson's text.
 */
export function* nftJsonChunks(commands: Iterable<NftCommand>): Generator<string> {
  let separator = HEAD;
  for (const command of commands) {
    yield separator + JSON.stringify(inKeyOrder(command));
    separator = ',\n';
  }
  yield `${separator === HEAD ? HEAD : ''}\n]}\n`;
}

/** The whole document as one string: the chunks of nftJsonChunks joined (small documents, tests). */
export function formatNftJson(document: NftDocument): string {
  return Array.from(nftJsonChunks(document.nftables)).join('');
}
