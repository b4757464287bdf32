import type { MatrixCell, MatrixResult } from '../verdicts.js';
import { CellGrid, countsByProbe, NO_FLOW, sizeLine } from './shared.js';

export interface TextOptions {
  /** ✓ ✗ · (a terminal) instead of A D . (files and pipes). */
  unicode: boolean;
  /** Green allows and red denies (ANSI). */
  color: boolean;
}

interface Symbols {
  allow: string;
  deny: string;
  none: string;
}

const UNICODE: Symbols = { allow: '✓', deny: '✗', none: '·' };
const ASCII: Symbols = { allow: 'A', deny: 'D', none: '.' };

function symbolFor(cell: MatrixCell | undefined, symbols: Symbols, color: boolean): string {
  if (!cell) return symbols.none;
  const symbol = symbols[cell.verdict];
  if (!color) return symbol;
  return cell.verdict === 'allow' ? `\u001b[32m${symbol}\u001b[0m` : `\u001b[1;31m${symbol}\u001b[0m`;
}

/** Control characters (a line break in a name) shown as escapes, so that every row stays one line. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/**
 * Text tables, one per port: rows are sources (by name), columns destinations (by
 * number, listed once at the top so that wide clusters stay readable).
 */
export function renderText(result: MatrixResult, options: TextOptions): string {
  const symbols = options.unicode ? UNICODE : ASCII;
  const lines = [
    `calpol matrix: ${sizeLine(result, options.unicode ? '×' : 'x')}`,
    `rows are sources, columns destinations: ${symbols.allow} allow, ${symbols.deny} deny, ${symbols.none} ${NO_FLOW}`,
    '',
  ];
  if (result.sources.length === 0 || result.destinations.length === 0) {
    lines.push('no endpoint with an address matches the selection');
    return lines.join('\n') + '\n';
  }
  const numberWidth = String(result.destinations.length).length;
  lines.push('destinations:');
  result.destinations.forEach((position, index) => {
    lines.push(`  ${String(index + 1).padStart(numberWidth)}  ${printable(result.endpoints[position]?.name ?? '')}`);
  });
  const names = new Map(result.sources.map((position) => [position, printable(result.endpoints[position]?.name ?? '')]));
  const nameWidth = Math.max(...[...names.values()].map((name) => name.length));
  const grid = new CellGrid(result);
  const counts = countsByProbe(result);
  result.probes.forEach((probe, probeIndex) => {
    lines.push('');
    const header = result.destinations.map((_, index) => String(index + 1).padStart(numberWidth)).join(' ');
    lines.push(`${probe.label.padEnd(nameWidth + 2)}  ${header}`);
    for (const source of result.sources) {
      const name = names.get(source) ?? '';
      const row = result.destinations.map((destination) => {
        const symbol = symbolFor(grid.get(probeIndex, source, destination), symbols, options.color);
        return ' '.repeat(numberWidth - 1) + symbol;
      });
      lines.push(`  ${name.padEnd(nameWidth)}  ${row.join(' ')}`);
    }
    const count = counts[probeIndex] ?? { allow: 0, deny: 0 };
    lines.push(`  ${probe.label}: ${count.allow} allow, ${count.deny} deny`);
  });
  return lines.join('\n') + '\n';
}
