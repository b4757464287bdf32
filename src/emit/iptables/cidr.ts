/**
 * Addresses and CIDRs as the iptables backend needs them: canonical text (masked, IPv6
 * compressed as iptables-save prints it), containment, and the OR-list normalisation
 * that makes a list's alternatives mutually exclusive (no entry inside another).
 */

export interface Cidr {
  version: 4 | 6;
  /** The network address (host bits cleared). */
  value: bigint;
  length: number;
}

const BITS = { 4: 32, 6: 128 } as const;

/** `a.b.c.d`, each part 1-3 decimal digits up to 255; scanned by hand (set elements are parsed by the hundred thousand). */
function parseV4(text: string): bigint | undefined {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      part = part * 10 + (code - 48);
      if (++digits > 3) return undefined;
    } else if (code === 46 && digits > 0 && part <= 255 && dots < 3) {
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0 || part > 255) return undefined;
  return BigInt(value * 256 + part);
}

function parseV6Groups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (const [index, part] of parts.entries()) {
    if (part.includes('.') && index === parts.length - 1) {
      const v4 = parseV4(part);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseV6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseV6Groups(halves[0] as string);
  const tail = halves.length === 2 ? parseV6Groups(halves[1] as string) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<number>(missing).fill(0), ...tail];
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** Parses `a.b.c.d[/n]` or an IPv6 address `[/n]`; host bits are cleared. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const prefix = slash < 0 ? undefined : text.slice(slash + 1);
  if (prefix !== undefined && prefix.includes('/')) return undefined;
  const version = address.includes(':') ? 6 : 4;
  const value = version === 4 ? parseV4(address) : parseV6(address);
  if (value === undefined) return undefined;
  const bits = BITS[version];
  const length = prefix === undefined ? bits : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  if (!(length >= 0 && length <= bits)) return undefined;
  return { version, value: value & maskOf(version, length), length };
}

export function mustParseCidr(text: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr) throw new Error(`iptables: invalid address or CIDR ${JSON.stringify(text)}`);
  return cidr;
}

function computeMask(version: 4 | 6, length: number): bigint {
  const bits = BigInt(BITS[version]);
  const all = (1n << bits) - 1n;
  return (all << (bits - BigInt(length))) & all;
}

/** Every prefix length's mask, per family, computed once. */
const MASKS = {
  4: Array.from({ length: 33 }, (_, length) => computeMask(4, length)),
  6: Array.from({ length: 129 }, (_, length) => computeMask(6, length)),
} as const;

function maskOf(version: 4 | 6, length: number): bigint {
  return MASKS[version][length] ?? computeMask(version, length);
}

export function formatAddress(version: 4 | 6, value: bigint): string {
  if (version === 4) {
    const n = Number(value);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run (≥ 2) of zero groups becomes `::`, the first one on ties.
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) [bestStart, bestLength] = [start, end - start];
    start = end === start ? start + 1 : end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** `10.0.0.0/8`, `10.0.0.1/32`, `fd00::/64`: always with the prefix length, as iptables-save prints. */
export function formatCidr(cidr: Cidr): string {
  return `${formatAddress(cidr.version, cidr.value)}/${cidr.length}`;
}

export function canonicalCidr(text: string): string {
  return formatCidr(mustParseCidr(text));
}

/** Whether `outer` contains every address of `inner` (same family). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.version === inner.version && outer.length <= inner.length && (inner.value & maskOf(outer.version, outer.length)) === outer.value
  );
}

export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

function compareCidr(a: Cidr, b: Cidr): number {
  if (a.version !== b.version) return a.version - b.version;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return a.length - b.length;
}

/**
 * The same OR-list with every entry that lies inside another removed, sorted: what
 * remains is pairwise disjoint (two CIDRs either nest or are disjoint), so at most one
 * alternative can match a packet.
 */
export function disjointCidrs(cidrs: readonly Cidr[]): Cidr[] {
  const sorted = [...cidrs].sort(compareCidr);
  const kept: Cidr[] = [];
  for (const cidr of sorted) {
    // Sorted by (value, length): a container comes before what it contains.
    const last = kept[kept.length - 1];
    if (last && cidrContains(last, cidr)) continue;
    kept.push(cidr);
  }
  return kept;
}

/** The addresses in both OR-lists, as a disjoint OR-list. */
export function intersectCidrs(a: readonly Cidr[], b: readonly Cidr[]): Cidr[] {
  const out: Cidr[] = [];
  for (const x of a) for (const y of b) if (cidrOverlaps(x, y)) out.push(x.length >= y.length ? x : y);
  return disjointCidrs(out);
}

/**
 * ipset's hash:net cannot hold a /0: a catch-all becomes its two halves (same addresses).
 */
export function splitCatchAll(cidr: Cidr): Cidr[] {
  if (cidr.length > 0) return [cidr];
  const half = 1n << BigInt(BITS[cidr.version] - 1);
  return [
    { version: cidr.version, value: 0n, length: 1 },
    { version: cidr.version, value: half, length: 1 },
  ];
}
