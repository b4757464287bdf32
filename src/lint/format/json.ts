import { countBySeverity, type Diagnostic } from '../../diag/index.js';

export interface JsonDiagnostic {
  code: string;
  severity: string;
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  endLine: number | null;
  endColumn: number | null;
  help?: string;
}

export function toJsonDiagnostic(d: Diagnostic): JsonDiagnostic {
  const out: JsonDiagnostic = {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.span?.file ?? null,
    line: d.span?.line ?? null,
    column: d.span?.column ?? null,
    endLine: d.span?.endLine ?? null,
    endColumn: d.span?.endColumn ?? null,
  };
  if (d.help !== undefined) out.help = d.help;
  return out;
}

export function formatJson(diagnostics: readonly Diagnostic[]): string {
  const document = {
    diagnostics: diagnostics.map(toJsonDiagnostic),
    summary: countBySeverity(diagnostics),
  };
  return JSON.stringify(document, null, 2) + '\n';
}
