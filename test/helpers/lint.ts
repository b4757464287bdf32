import type { Diagnostic } from '../../src/diag/index.js';
import { lintSources } from '../../src/lint/index.js';

/** Lints YAML text as one file and returns the diagnostics with the given code. */
export function findings(text: string, code: string, options: { allowUnsupported?: boolean; file?: string } = {}): Diagnostic[] {
  const outcome = lintSources([{ file: options.file ?? 'input.yaml', bytes: new TextEncoder().encode(text) }], {
    allowUnsupported: options.allowUnsupported ?? false,
  });
  return outcome.diagnostics.filter((d) => d.code === code);
}

/** Position and severity of diagnostics, for assertions that must not depend on wording. */
export function positions(diagnostics: readonly Diagnostic[]): { severity: string; line: number; column: number }[] {
  return diagnostics.map((d) => ({ severity: d.severity, line: d.span?.line ?? 0, column: d.span?.column ?? 0 }));
}
