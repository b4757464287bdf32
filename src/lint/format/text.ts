import type { Diagnostic } from '../../diag/index.js';

/** How the text formatter finds the source line a diagnostic points at. */
export type SourceLineLookup = (file: string, line: number) => string | undefined;

export interface TextFormatOptions {
  color: boolean;
  sourceLine?: SourceLineLookup;
}

const ANSI = {
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  dim: '\u001b[2m',
  bold: '\u001b[1m',
  reset: '\u001b[0m',
};

/**
 * Control characters in a source line would move the terminal cursor (or worse);
 * show them as visible escapes so the caret still lines up with what is printed.
 */
function printable(line: string): string {
  return line.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function caretLine(diagnostic: Diagnostic, lineText: string): string {
  const span = diagnostic.span;
  if (!span) return '';
  const start = Math.max(span.column - 1, 0);
  const endColumn = span.endLine === span.line ? span.endColumn - 1 : lineText.length;
  const width = Math.max(1, Math.min(endColumn, lineText.length) - start);
  return ' '.repeat(Math.min(start, lineText.length)) + '^' + '~'.repeat(width - 1);
}

export function formatDiagnosticText(diagnostic: Diagnostic, options: TextFormatOptions): string {
  const paint = (code: string, text: string) => (options.color ? code + text + ANSI.reset : text);
  const where = diagnostic.span
    ? `${diagnostic.span.file}:${diagnostic.span.line}:${diagnostic.span.column}`
    : '<input>';
  const severityColor = diagnostic.severity === 'error' ? ANSI.red : diagnostic.severity === 'warning' ? ANSI.yellow : ANSI.cyan;
  const lines = [
    `${paint(ANSI.bold, where)}: ${paint(severityColor, diagnostic.severity)} ${paint(ANSI.dim, diagnostic.code)}: ${diagnostic.message}`,
  ];
  const span = diagnostic.span;
  if (span && span.line > 0 && options.sourceLine) {
    const source = options.sourceLine(span.file, span.line);
    if (source !== undefined) {
      const shown = printable(source);
      lines.push(`  ${shown}`);
      lines.push(`  ${paint(severityColor, caretLine(diagnostic, shown))}`);
    }
  }
  if (diagnostic.help) lines.push(`  ${paint(ANSI.dim, 'help:')} ${diagnostic.help}`);
  return lines.join('\n');
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function formatText(diagnostics: readonly Diagnostic[], options: TextFormatOptions): string {
  const blocks = diagnostics.map((d) => formatDiagnosticText(d, options));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const infos = diagnostics.length - errors - warnings;
  const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}${infos > 0 ? `, ${infos} info` : ''}`;
  const summary = diagnostics.length === 0 ? 'no problems found' : counts;
  return [...blocks, summary].join('\n') + '\n';
}
