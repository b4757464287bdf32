import type { MatrixResult } from '../verdicts.js';
import type { CellNotes } from './shared.js';

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line per cell: src,dst,protocol,port,verdict,decided_by (port empty for ICMP). */
export function renderCsv(result: MatrixResult, notes: CellNotes): string {
  const lines = ['src,dst,protocol,port,verdict,decided_by'];
  for (const cell of result.cells) {
    const probe = result.probes[cell.probe];
    const fields = [
      result.endpoints[cell.source]?.name ?? '',
      result.endpoints[cell.destination]?.name ?? '',
      probe?.protocol ?? '',
      probe?.port ?? '',
      cell.verdict,
      notes(cell).fact,
    ];
    lines.push(fields.map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
