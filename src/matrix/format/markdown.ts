import type { MatrixResult } from '../verdicts.js';
import { CellGrid, countsByProbe, NO_FLOW, sizeLine } from './shared.js';

/** Escapes text for a GitHub-flavoured markdown table cell (no markup, no HTML, no column break). */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]|#~]/g, (c) => `\\${c}`)
    .replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] as string)
    .replace(/[\r\n]+/g, ' ');
}

const SYMBOL = { allow: '✓', deny: '✗' } as const;

/** Markdown: a heading and a table per port; rows are sources, columns destinations. */
export function renderMarkdown(result: MatrixResult): string {
  const lines = [
    '# calpol matrix',
    '',
    `${sizeLine(result)}. Rows are sources, columns destinations: ✓ allow, ✗ deny, · ${NO_FLOW}.`,
  ];
  const grid = new CellGrid(result);
  const counts = countsByProbe(result);
  const name = (position: number) => escapeMarkdown(result.endpoints[position]?.name ?? '');
  result.probes.forEach((probe, probeIndex) => {
    const count = counts[probeIndex] ?? { allow: 0, deny: 0 };
    lines.push('', `## ${escapeMarkdown(probe.label)}`, '', `${count.allow} allow, ${count.deny} deny.`, '');
    lines.push(`| from \\\\ to | ${result.destinations.map(name).join(' | ')} |`);
    lines.push(`|---|${result.destinations.map(() => ':-:').join('|')}|`);
    for (const source of result.sources) {
      const row = result.destinations.map((destination) => {
        const cell = grid.get(probeIndex, source, destination);
        return cell ? SYMBOL[cell.verdict] : '·';
      });
      lines.push(`| **${name(source)}** | ${row.join(' | ')} |`);
    }
  });
  return lines.join('\n') + '\n';
}
