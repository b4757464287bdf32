import { parseCidr } from './normalize/net.js';

/** An address or prefix as a number, for containment tests. */
export interface Prefix {
  version: 4 | 6;
  value: bigint;
  length: number;
}

function toBigInt(bytes: readonly number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** Parses an IP or CIDR; undefined when it is neither. */
export function parsePrefix(text: string): Prefix | undefined {
  const parsed = parseCidr(text);
  if (!parsed) return undefined;
  const bits = parsed.version === 4 ? 32 : 128;
  const shift = BigInt(bits - parsed.prefix);
  const value = (toBigInt(parsed.bytes) >> shift) << shift;
  return { version: parsed.version, value, length: parsed.prefix };
}

export function prefixContains(prefix: Prefix, address: Prefix): boolean {
  if (prefix.version !== address.version || address.length < prefix.length) return false;
  const bits = prefix.version === 4 ? 32 : 128;
  const shift = BigInt(bits - prefix.length);
  return address.value >> shift === prefix.value >> shift;
}

/**
 * A set of prefixes (an IP set): host addresses in a hash for O(1) lookups, wider
 * prefixes in a list (network sets rarely have many).
 */
export class PrefixSet {
  private readonly hosts = new Set<string>();
  private readonly ranges: Prefix[] = [];

  add(prefix: Prefix): void {
    const hostLength = prefix.version === 4 ? 32 : 128;
    if (prefix.length === hostLength) this.hosts.add(`${prefix.version}:${prefix.value}`);
    else this.ranges.push(prefix);
  }

  contains(address: Prefix): boolean {
    if (this.hosts.has(`${address.version}:${address.value}`)) return true;
    return this.ranges.some((range) => prefixContains(range, address));
  }
}
