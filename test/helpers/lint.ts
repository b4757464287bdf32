import type { Diagnostic } from '../../src/diag/index.js';
import { lintSources } from '../../src/lint/index.js';

/** Lints YAML text as one file (or `files`) and returns the diagnostics with the given code. */
export function findings(
  text: string,
  code: string,
  options: { allowUnsupported?: boolean; file?: string; files?: { file: string; text: string }[] } = {},
): Diagnostic[] {
  const files = options.files ?? [{ file: options.file ?? 'input.yaml', text }];
  const outcome = lintSources(files.map((f) => ({ file: f.file, bytes: new TextEncoder().encode(f.text) })), {
    allowUnsupported: options.allowUnsupported ?? false,
  });
  return outcome.diagnostics.filter((d) => d.code === code);
}

/** Position and severity of diagnostics, for assertions that must not depend on wording. */
export function positions(diagnostics: readonly Diagnostic[]): { severity: string; line: number; column: number }[] {
  return diagnostics.map((d) => ({ severity: d.severity, line: d.span?.line ?? 0, column: d.span?.column ?? 0 }));
}
