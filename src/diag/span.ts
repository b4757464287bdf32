/**
 * A place in a source file. Lines and columns are 1-based (as editors and SARIF
 * count them); offset is the 0-based UTF-16 index into the file text.
 */
export interface Span {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  offset: number;
  length: number;
}

/**
 * Index of the start of every line of a text, for offset → line/column lookups. Lines are
 * indexed as far into the text as positions are asked for: explain reads two pods of a
 * 15 MB pod list, and indexing its 400 000 lines up front was 60 ms of an explain at L.
 */
export class LineIndex {
  /** Offsets of the line starts indexed so far, ascending (indexOf is several times faster than a charCodeAt loop). */
  private readonly starts: number[] = [0];
  /** Where the next line break not yet indexed is looked for (the text's length once all are). */
  private searchFrom = 0;

  constructor(readonly text: string) {}

  /** Indexes one more line start; false at the end of the text. */
  private indexNext(): boolean {
    if (this.searchFrom >= this.text.length) return false;
    const at = this.text.indexOf('\n', this.searchFrom);
    if (at < 0) {
      this.searchFrom = this.text.length;
      return false;
    }
    this.starts.push(at + 1);
    this.searchFrom = at + 1;
    return true;
  }

  /** 1-based line and column of a 0-based offset. */
  position(offset: number): { line: number; column: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    // Every line start up to the offset must be known: index until one reaches it.
    while ((this.starts[this.starts.length - 1] as number) < clamped && this.indexNext());
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: clamped - (starts[low] as number) + 1 };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    while (this.starts.length <= line && this.indexNext());
    const start = this.starts[line - 1];
    if (start === undefined) return '';
    const next = this.starts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  span(file: string, offset: number, length: number): Span {
    const start = this.position(offset);
    const end = this.position(offset + Math.max(length, 0));
    return {
      file,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      offset,
      length: Math.max(length, 0),
    };
  }
}

/** A span that covers no source text: used for facts that come from no file (built-in tiers). */
export function syntheticSpan(file = '<built-in>'): Span {
  return { file, line: 0, column: 0, endLine: 0, endColumn: 0, offset: 0, length: 0 };
}

/** A span `length` characters long starting `delta` characters into `outer` (same line). */
export function subSpan(outer: Span, delta: number, length: number): Span {
  return {
    file: outer.file,
    line: outer.line,
    column: outer.column + delta,
    endLine: outer.line,
    endColumn: outer.column + delta + length,
    offset: outer.offset + delta,
    length,
  };
}

export function compareSpans(a: Span, b: Span): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.offset - b.offset || a.length - b.length;
}
