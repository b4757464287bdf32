import type { Span } from '../../diag/index.js';

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

/** Offsets of the start of every line of a text. */
export function lineStarts(text: string): Int32Array {
  const starts: number[] = [0];
  let at = text.indexOf('\n');
  while (at >= 0) {
    starts.push(at + 1);
    at = text.indexOf('\n', at + 1);
  }
  return Int32Array.from(starts);
}

/** The Span of `length` characters at `offset`, given the file's line starts. */
export function spanFromOffsets(file: string, starts: Int32Array, offset: number, length: number): Span {
  const start = position(starts, offset);
  const end = position(starts, offset + length);
  return { file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column, offset, length };
}

function position(starts: Int32Array, offset: number): { line: number; column: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] as number) <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - (starts[low] as number) + 1 };
}

/**
 * A read-only `Record<pointer, Span>` over recorded positions, as resources.ts promises,
 * materialising each Span on first access. The last record for a pointer wins.
 */
export function lazySpans(file: string, starts: Int32Array, recorder: SpanRecorder): Readonly<Record<string, Span>> {
  const pointers = recorder.pointers;
  const offsets = Int32Array.from(recorder.offsets);
  let index: Map<string, number> | undefined;
  const built = new Map<string, Span>();
  const lookup = (pointer: string): Span | undefined => {
    let span = built.get(pointer);
    if (span) return span;
    index ??= new Map(pointers.map((p, i) => [p, i]));
    const i = index.get(pointer);
    if (i === undefined) return undefined;
    span = spanFromOffsets(file, starts, offsets[2 * i] as number, offsets[2 * i + 1] as number);
    built.set(pointer, span);
    return span;
  };
  return new Proxy({} as Record<string, Span>, {
    get: (_target, key) => (typeof key === 'string' ? lookup(key) : undefined),
    has: (_target, key) => typeof key === 'string' && lookup(key) !== undefined,
    ownKeys: () => [...new Set(pointers)],
    getOwnPropertyDescriptor: (_target, key) => {
      const span = typeof key === 'string' ? lookup(key) : undefined;
      return span ? { value: span, enumerable: true, configurable: true, writable: false } : undefined;
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}
