import type { LineIndex, Span } from '../../diag/index.js';

/**
 * Positions of decoded values, kept compact: a 50k-pod inventory records millions of them
 * and needs almost none. Each is a (pointer, start, length) triple; `Span` objects are only
 * built when a diagnostic asks for one.
 */
export class SpanRecorder {
  readonly pointers: string[] = [];
  /** start, length, start, length, ... (UTF-16 offsets into the file text). */
  readonly offsets: number[] = [];

  record(pointer: string, start: number, length: number): void {
    this.pointers.push(pointer);
    this.offsets.push(start, length);
  }
}

/** What one resource's span record holds; the Map and the Spans are built on first use. */
interface SpanTable {
  file: string;
  lines: LineIndex;
  pointers: string[];
  offsets: number[];
  /** Records the positions on first use, when they were not recorded while decoding. */
  record?: () => SpanRecorder;
  index?: Map<string, number>;
  built?: Map<string, Span>;
}

/** Records the positions now if they were left for first use. */
function ensureRecorded(table: SpanTable): void {
  if (!table.record) return;
  const recorder = table.record();
  table.record = undefined;
  table.pointers = recorder.pointers;
  table.offsets = recorder.offsets;
}

function lookup(table: SpanTable, pointer: string): Span | undefined {
  let span = table.built?.get(pointer);
  if (span) return span;
  ensureRecorded(table);
  if (!table.index) {
    // Later records win, as when the Map is filled in order.
    table.index = new Map();
    table.pointers.forEach((p, i) => table.index?.set(p, i));
  }
  const i = table.index.get(pointer);
  if (i === undefined) return undefined;
  span = table.lines.span(table.file, table.offsets[2 * i] as number, table.offsets[2 * i + 1] as number);
  (table.built ??= new Map()).set(pointer, span);
  return span;
}

/*
 * One handler for every resource: a 50k-pod inventory makes 50k of these records, and a
 * handler (with its closures) per record was a large share of the loader's garbage.
 */
const SPAN_TABLE_HANDLER: ProxyHandler<SpanTable> = {
  get: (table, key) => (typeof key === 'string' ? lookup(table, key) : undefined),
  has: (table, key) => typeof key === 'string' && lookup(table, key) !== undefined,
  ownKeys: (table) => {
    ensureRecorded(table);
    return [...new Set(table.pointers)];
  },
  getOwnPropertyDescriptor: (table, key) => {
    const span = typeof key === 'string' ? lookup(table, key) : undefined;
    return span ? { value: span, enumerable: true, configurable: true, writable: false } : undefined;
  },
  set: () => false,
  defineProperty: () => false,
  deleteProperty: () => false,
};

/**
 * A read-only `Record<pointer, Span>` over recorded positions, as resources.ts promises,
 * materialising each Span on first access. The last record for a pointer wins.
 */
export function lazySpans(file: string, lines: LineIndex, recorder: SpanRecorder): Readonly<Record<string, Span>> {
  const table: SpanTable = { file, lines, pointers: recorder.pointers, offsets: recorder.offsets };
  return new Proxy(table, SPAN_TABLE_HANDLER) as unknown as Readonly<Record<string, Span>>;
}

/**
 * Like lazySpans, for positions not recorded while decoding: `record` is called once, on
 * the first access, to record them (by reading the resource's text again).
 */
export function spansOnDemand(file: string, lines: LineIndex, record: () => SpanRecorder): Readonly<Record<string, Span>> {
  const table: SpanTable = { file, lines, pointers: [], offsets: [], record };
  return new Proxy(table, SPAN_TABLE_HANDLER) as unknown as Readonly<Record<string, Span>>;
}
