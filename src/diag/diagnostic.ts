import { compareSpans, type Span } from './span.js';

export type Severity = 'error' | 'warning' | 'info';

/**
 * One finding about the input. `code` is a stable kebab-case id (the lint rule id);
 * `message` is final text for people; `data` keeps the values it was built from so
 * machine consumers need not parse the message.
 */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  span?: Span;
  /** Extra explanation printed under the message (a suggestion, the rejected value). */
  help?: string;
  data?: Record<string, string | number | boolean>;
}

/** Parse and validation outcomes are values; only bugs throw. */
export type Result<T> = { ok: true; value: T } | { ok: false; errors: Diagnostic[] };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(...errors: Diagnostic[]): Result<T> => ({ ok: false, errors });

/**
 * The declaration every diagnostic code has: the lint rule that owns it. Rules live one
 * per file (in the stage that detects them); the lint registry collects them.
 */
export interface RuleDefinition<MessageId extends string = string> {
  id: string;
  severity: Severity;
  /** One sentence for rule listings and SARIF `shortDescription`. */
  description: string;
  /** Message templates; `{name}` is replaced by `data.name`. */
  messages: Record<MessageId, string>;
}

/** Fill a message template: `{field}` becomes data.field (missing keys stay visible). */
export function formatMessage(template: string, data: Record<string, unknown> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in data ? String(data[key]) : whole,
  );
}

/** Build a diagnostic from a rule's message table. */
export function report<M extends string>(
  rule: RuleDefinition<M>,
  messageId: M,
  span: Span | undefined,
  data: Record<string, string | number | boolean> = {},
  options: { help?: string; severity?: Severity } = {},
): Diagnostic {
  const diagnostic: Diagnostic = {
    code: rule.id,
    severity: options.severity ?? rule.severity,
    message: formatMessage(rule.messages[messageId], data),
    data: { messageId, ...data },
  };
  if (span) diagnostic.span = span;
  if (options.help !== undefined) diagnostic.help = options.help;
  return diagnostic;
}

/** Stable order for output: by file, position, then code and message. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.span && b.span) {
    const bySpan = compareSpans(a.span, b.span);
    if (bySpan !== 0) return bySpan;
  } else if (a.span || b.span) {
    return a.span ? 1 : -1;
  }
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(compareDiagnostics);
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
  }
  return { errors, warnings };
}
