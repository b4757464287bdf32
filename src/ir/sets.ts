import { parsePrefix, prefixContains, type Prefix } from '../model/index.js';

/** Canonical text of a prefix: `10.0.0.0/24`, `fd00::/64`, hosts as /32 and /128. */
export function formatPrefix(prefix: Prefix): string {
  if (prefix.version === 4) {
    const value = Number(prefix.value);
    return `${[24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.')}/${prefix.length}`;
  }
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((prefix.value >> shift) & 0xffffn).toString(16));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const text =
    bestStart < 0 ? groups.join(':') : `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
  return `${text}/${prefix.length}`;
}

function comparePrefixes(a: Prefix, b: Prefix): number {
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return a.length - b.length;
}

/**
 * The CIDRs of one family, de-duplicated and with every CIDR contained in another
 * removed: nft rejects overlapping elements in a named interval set ("conflicting
 * intervals", nftables-json.md §3), and the union is unchanged. Sorted by address, so
 * the result depends only on the set of inputs.
 */
export function mergeCidrs(cidrs: readonly string[], version: 4 | 6): string[] {
  const prefixes = cidrs.map(parsePrefix).filter((p): p is Prefix => p !== undefined);
  return withoutCovered(prefixes, version, (prefix) => prefix).map(formatPrefix);
}

/** The items of one family not contained in another, sorted by address then length. */
function withoutCovered<T>(items: readonly T[], version: 4 | 6, prefixOf: (item: T) => Prefix): T[] {
  const sorted = items.filter((item) => prefixOf(item).version === version).sort((a, b) => comparePrefixes(prefixOf(a), prefixOf(b)));
  const kept: T[] = [];
  for (const item of sorted) {
    // Sorted by address then length: a covering prefix starts at or before any prefix it contains.
    const last = kept.at(-1);
    if (last && prefixContains(prefixOf(last), prefixOf(item))) continue;
    kept.push(item);
  }
  return kept;
}

/** A parsed CIDR with its canonical text (formatPrefix). */
export interface CanonicalNet {
  prefix: Prefix;
  text: string;
}

/** mergeCidrs over nets already parsed and formatted (the same result, without parsing or formatting again). */
export function mergeNets(nets: readonly CanonicalNet[], version: 4 | 6): string[] {
  return withoutCovered(nets, version, (net) => net.prefix).map((net) => net.text);
}
