import type { PortRange } from '../../ir/index.js';

/**
 * Port-range OR-lists: merged (sorted, disjoint, adjacent ranges joined), intersected,
 * subtracted, and cut into multiport lists of at most 15 slots (a range costs 2).
 */

export const MULTIPORT_SLOTS = 15;

export function mergeRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = ranges.filter((r) => r.min <= r.max).sort((a, b) => a.min - b.min || a.max - b.max);
  const out: PortRange[] = [];
  for (const range of sorted) {
    const last = out[out.length - 1];
    if (last && range.min <= last.max + 1) last.max = Math.max(last.max, range.max);
    else out.push({ min: range.min, max: range.max });
  }
  return out;
}

export function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  for (const x of a) {
    for (const y of b) {
      const min = Math.max(x.min, y.min);
      const max = Math.min(x.max, y.max);
      if (min <= max) out.push({ min, max });
    }
  }
  return mergeRanges(out);
}

/** The ports of `a` that are in none of `b`. */
export function subtractRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  let rest = mergeRanges(a);
  for (const cut of mergeRanges(b)) {
    const next: PortRange[] = [];
    for (const range of rest) {
      if (cut.max < range.min || cut.min > range.max) {
        next.push(range);
        continue;
      }
      if (range.min < cut.min) next.push({ min: range.min, max: cut.min - 1 });
      if (range.max > cut.max) next.push({ min: cut.max + 1, max: range.max });
    }
    rest = next;
  }
  return rest;
}

const slotsOf = (range: PortRange): number => (range.min === range.max ? 1 : 2);

/** Consecutive pieces of a merged list, each fitting one `-m multiport` (≤ 15 slots). */
export function chunkRanges(ranges: readonly PortRange[]): PortRange[][] {
  const chunks: PortRange[][] = [];
  let current: PortRange[] = [];
  let used = 0;
  for (const range of ranges) {
    if (used + slotsOf(range) > MULTIPORT_SLOTS) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(range);
    used += slotsOf(range);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export function formatRanges(ranges: readonly PortRange[]): string {
  return ranges.map((r) => (r.min === r.max ? String(r.min) : `${r.min}:${r.max}`)).join(',');
}

export function parseRanges(text: string): PortRange[] | undefined {
  const out: PortRange[] = [];
  for (const item of text.split(',')) {
    const match = /^(\d{1,5})(?::(\d{1,5}))?$/.exec(item);
    if (!match) return undefined;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : Number(match[2]);
    if (max > 65535 || min > max) return undefined;
    out.push({ min, max });
  }
  return out;
}
