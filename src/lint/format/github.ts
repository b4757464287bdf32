import type { Diagnostic } from '../../diag/index.js';

/*
 * GitHub workflow commands (`::error file=…::message`). The runner splits on `,` and
 * `::` and reads `%XX` escapes, so user text (messages quote YAML values) must be
 * escaped or it could end the command early or inject another one.
 */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND: Record<Diagnostic['severity'], string> = { error: 'error', warning: 'warning', info: 'notice' };

export function formatGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const properties: string[] = [];
      if (d.span && d.span.line > 0) {
        properties.push(`file=${escapeProperty(d.span.file)}`);
        properties.push(`line=${d.span.line}`, `col=${d.span.column}`);
        properties.push(`endLine=${d.span.endLine}`, `endColumn=${d.span.endColumn}`);
      }
      properties.push(`title=${escapeProperty(`calpol ${d.code}`)}`);
      return `::${COMMAND[d.severity]} ${properties.join(',')}::${escapeData(d.message)}`;
    })
    .map((line) => line + '\n')
    .join('');
}
