/**
 * IP addresses and CIDRs with Go's parsing rules (net.ParseIP / net.ParseCIDR, as used by
 * libcalico-go's cnet): dotted-quad IPv4 without leading zeros, IPv6 with `::` and an
 * optional trailing dotted quad, no zones.
 */
export interface ParsedIp {
  version: 4 | 6;
  bytes: Uint8Array;
}

export interface ParsedCidr extends ParsedIp {
  prefix: number;
  /** True when the text had no `/prefix` (a bare address, taken as /32 or /128). */
  bare: boolean;
}

export function parseIp(text: string): ParsedIp | undefined {
  const v4 = parseIpv4(text);
  if (v4) return { version: 4, bytes: v4 };
  const v6 = parseIpv6(text);
  return v6 ? { version: 6, bytes: v6 } : undefined;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] as string;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined;
    bytes[i] = Number(part);
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groups(halves[0] as string, halves.length === 1);
  const tail = halves.length === 2 ? groups(halves[1] as string, true) : [];
  if (!head || !tail) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const words = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  words.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 0xff;
  });
  return bytes;
}

/** 16-bit groups of one side of `::`; a dotted quad is allowed last (as two groups). */
function groups(text: string, mayEndWithIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const words: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (i === parts.length - 1 && mayEndWithIpv4 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (!v4) return undefined;
      words.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
    words.push(parseInt(part, 16));
  }
  return words;
}

/** `addr/prefix` only (Go's net.ParseCIDR). */
export function parseCidr(text: string): ParsedCidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^[0-9]{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > ip.bytes.length * 8) return undefined;
  return { ...ip, prefix, bare: false };
}

/** A CIDR or a bare address (libcalico-go's ParseCIDROrIP). */
export function parseCidrOrIp(text: string): ParsedCidr | undefined {
  const cidr = parseCidr(text);
  if (cidr) return cidr;
  const ip = parseIp(text);
  return ip ? { ...ip, prefix: ip.bytes.length * 8, bare: true } : undefined;
}

/** True when no host bits are set (the `net` validation tag: strictly masked). */
export function isMasked(cidr: ParsedCidr): boolean {
  return cidr.bytes.every((byte, i) => (byte & ~maskByte(cidr.prefix, i) & 0xff) === 0);
}

function maskByte(prefix: number, index: number): number {
  const bits = Math.max(0, Math.min(8, prefix - index * 8));
  return (0xff << (8 - bits)) & 0xff;
}

/** The network address of a CIDR, as text (for "did you mean" help). */
export function maskedText(cidr: ParsedCidr): string {
  const bytes = cidr.bytes.map((byte, i) => byte & maskByte(cidr.prefix, i));
  return `${formatIp({ version: cidr.version, bytes })}/${cidr.prefix}`;
}

export function formatIp(ip: ParsedIp): string {
  if (ip.version === 4) return [...ip.bytes].join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push((((ip.bytes[i] as number) << 8) | (ip.bytes[i + 1] as number)).toString(16));
  return words.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Does `cidr` contain `ip` (same family)? */
export function cidrContains(cidr: ParsedCidr, ip: ParsedIp): boolean {
  if (cidr.version !== ip.version) return false;
  return cidr.bytes.every((byte, i) => (byte & maskByte(cidr.prefix, i)) === ((ip.bytes[i] as number) & maskByte(cidr.prefix, i)));
}
