/**
 * IP and CIDR text normalization: what Go's `net.IPNet.String()` prints after
 * `ParseCIDROrIP(...).Network()`. A bare IP becomes a /32 or /128; host bits are masked;
 * IPv6 is printed in the compressed lowercase form (RFC 5952, as Go does).
 * Input is already validated, so a malformed address is a bug and throws.
 */

export interface ParsedCidr {
  version: 4 | 6;
  /** 4 or 16 bytes. */
  bytes: number[];
  prefix: number;
}

function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

function parseIPv6(text: string): number[] | undefined {
  // An embedded dotted IPv4 tail (`::ffff:1.2.3.4`) stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  let groupsText = text;
  if (text.includes('.', lastColon)) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    const [a, b, c, d] = v4 as [number, number, number, number];
    groupsText = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = groupsText.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const left = groupsOf(halves[0] ?? '');
  const right = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const zeros = new Array<string>(halves.length === 2 ? missing : 0).fill('0');
  const bytes: number[] = [];
  for (const group of [...left, ...zeros, ...right]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    const value = parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  return bytes;
}

/** Parse a CIDR or bare IP; undefined when it is neither. */
export function parseCidr(text: string): ParsedCidr | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const version: 4 | 6 = address.includes(':') ? 6 : 4;
  const bytes = version === 4 ? parseIPv4(address) : parseIPv6(address);
  if (!bytes) return undefined;
  const bits = bytes.length * 8;
  let prefix = bits;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText)) return undefined;
    prefix = Number(prefixText);
    if (prefix > bits) return undefined;
  }
  return { version, bytes, prefix };
}

function maskBytes(bytes: number[], prefix: number): number[] {
  return bytes.map((byte, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return byte & ((0xff << (8 - keep)) & 0xff);
  });
}

function formatIPv6(bytes: number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  // Compress the leftmost longest run of at least two zero groups, as RFC 5952 and Go do.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export function formatAddress(bytes: readonly number[]): string {
  return bytes.length === 4 ? bytes.join('.') : formatIPv6([...bytes]);
}

/** `10.0.0.1` → `10.0.0.1/32`; `10.1.2.3/8` → `10.0.0.0/8`; `2001:DB8::1` → `2001:db8::1/128`. */
export function normalizeCidr(text: string): string {
  const parsed = parseCidr(text.trim());
  if (!parsed) throw new Error(`normalize: invalid CIDR or IP ${JSON.stringify(text)} passed validation`);
  return `${formatAddress(maskBytes(parsed.bytes, parsed.prefix))}/${parsed.prefix}`;
}

export function normalizeCidrs(texts: readonly string[] | undefined): string[] {
  return (texts ?? []).map(normalizeCidr);
}
