import { report, type Diagnostic, type RuleDefinition, type Severity, type Span } from '../../diag/index.js';
import type { TextSegment } from '../resources.js';
import { invalidValue, type InvalidValueMessage } from '../rules/index.js';

export interface ValidateOptions {
  /**
   * Report fields calpol cannot enforce (rule `http`, `services`, `allowedEgressDomains`)
   * as warnings saying what is skipped, instead of errors.
   */
  allowUnsupported?: boolean;
}

type Data = Record<string, string | number | boolean>;

/**
 * What the validators of one resource (or fragment) share: where its values are, the
 * options, and the list findings go to. Validators address values by JSON pointer; a pointer
 * with no recorded span falls back to its nearest recorded ancestor.
 */
export class Checker {
  constructor(
    private readonly spans: Readonly<Record<string, Span>>,
    private readonly textMaps: Readonly<Record<string, readonly TextSegment[]>>,
    private readonly fallback: Span | undefined,
    readonly options: ValidateOptions,
    readonly diagnostics: Diagnostic[],
  ) {}

  /** True when the value at `pointer` was given (has a recorded span of its own). */
  has(pointer: string): boolean {
    return this.spans[pointer] !== undefined;
  }

  span(pointer: string): Span | undefined {
    let at = pointer;
    for (;;) {
      const span = this.spans[at];
      if (span) return span;
      if (at === '') return this.fallback;
      at = at.slice(0, Math.max(0, at.lastIndexOf('/')));
    }
  }

  /** The span of the mapping key holding `pointer` (for "this field should not be here"). */
  keySpan(pointer: string): Span | undefined {
    return this.spans[`${pointer}#key`] ?? this.span(pointer);
  }

  /**
   * The span of characters [index, index + length) of the string at `pointer`, inside the
   * YAML scalar when the loader could map it exactly; otherwise the scalar's own span.
   */
  textSpan(pointer: string, index: number, length: number): Span | undefined {
    const segments = this.textMaps[pointer];
    const whole = this.span(pointer);
    if (!segments || segments.length === 0 || !whole) return whole;
    let segment = segments[0] as TextSegment;
    for (const candidate of segments) if (candidate.index <= index) segment = candidate;
    const delta = Math.max(0, Math.min(index - segment.index, segment.length));
    // Stay on the segment's line: a span does not continue across a folded line break.
    const width = Math.max(0, Math.min(length, segment.length - delta));
    return {
      file: whole.file,
      line: segment.line,
      column: segment.column + delta,
      endLine: segment.line,
      endColumn: segment.column + delta + width,
      offset: segment.offset + delta,
      length: width,
    };
  }

  invalid(messageId: InvalidValueMessage, pointer: string, data: Data = {}, options: { severity?: Severity; help?: string } = {}): void {
    this.diagnostics.push(report(invalidValue, messageId, this.span(pointer), data, options));
  }

  /** Report through any rule, at a given span. */
  at<M extends string>(rule: RuleDefinition<M>, messageId: M, span: Span | undefined, data: Data = {}, options: { severity?: Severity; help?: string } = {}): void {
    this.diagnostics.push(report(rule, messageId, span, data, options));
  }
}

/** The parent of a JSON pointer (`/a/b` → `/a`). */
export function parentPointer(pointer: string): string {
  return pointer.slice(0, Math.max(0, pointer.lastIndexOf('/')));
}

/** Renders a value the way upstream's messages print it (`%v`). */
export function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(show).join(' ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}:${show(v)}`).join(' ')}}`;
  }
  return String(value);
}
