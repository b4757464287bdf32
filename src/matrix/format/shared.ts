import type { DecidingPolicy } from '../facts.js';
import type { MatrixCell, MatrixResult } from '../verdicts.js';

/** What the formats print about a cell beyond its verdict (rendered by the caller, who has the explain stage). */
export interface CellNote {
  /** The deciding step in words, as `calpol explain` prints it after "decided by". */
  fact: string;
  policy: DecidingPolicy | null;
}

export type CellNotes = (cell: MatrixCell) => CellNote;

/** The cells of a matrix by (probe, source, destination). */
export class CellGrid {
  private readonly byProbe: Map<number, MatrixCell>[];
  private readonly width: number;

  constructor(readonly result: MatrixResult) {
    this.width = result.endpoints.length;
    this.byProbe = result.probes.map(() => new Map());
    for (const cell of result.cells) this.byProbe[cell.probe]?.set(cell.source * this.width + cell.destination, cell);
  }

  get(probe: number, source: number, destination: number): MatrixCell | undefined {
    return this.byProbe[probe]?.get(source * this.width + destination);
  }
}

export interface VerdictCounts {
  allow: number;
  deny: number;
}

/** Allowed and denied cells per probe. */
export function countsByProbe(result: MatrixResult): VerdictCounts[] {
  const counts = result.probes.map(() => ({ allow: 0, deny: 0 }));
  for (const cell of result.cells) (counts[cell.probe] as VerdictCounts)[cell.verdict]++;
  return counts;
}

/** `2 sources × 3 destinations, 1 port` (ASCII `x` when asked). */
export function sizeLine(result: MatrixResult, times = '×'): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(result.sources.length, 'source')} ${times} ${plural(result.destinations.length, 'destination')}, ${plural(result.probes.length, 'port')}`;
}

/** What an empty cell means, for every legend. */
export const NO_FLOW = 'no flow (the endpoint itself, or the two have no address of a common IP family)';
