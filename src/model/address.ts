import { parseCidr } from './normalize/net.js';

/** An address or prefix as a number, for containment tests. */
export interface Prefix {
  version: 4 | 6;
  value: bigint;
  length: number;
}

const bitsOf = (version: 4 | 6): number => (version === 4 ? 32 : 128);

function toBigInt(bytes: readonly number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** Parses an IP or CIDR; undefined when it is neither. */
export function parsePrefix(text: string): Prefix | undefined {
  const parsed = parseCidr(text);
  if (!parsed) return undefined;
  const shift = BigInt(bitsOf(parsed.version) - parsed.prefix);
  const value = (toBigInt(parsed.bytes) >> shift) << shift;
  return { version: parsed.version, value, length: parsed.prefix };
}

export function prefixContains(prefix: Prefix, address: Prefix): boolean {
  if (prefix.version !== address.version || address.length < prefix.length) return false;
  const shift = BigInt(bitsOf(prefix.version) - prefix.length);
  return address.value >> shift === prefix.value >> shift;
}

/**
 * A set of prefixes (an IP set), answering "is this address inside one of them". The
 * prefixes are grouped by family and length; each group holds the prefixes' network
 * parts (the value shifted right past the host bits) in a hash. A lookup asks each
 * length group once, so it costs the number of distinct lengths (a handful), never the
 * number of prefixes. A list scanned per lookup made a selector matching every network
 * set cost (addresses looked up) × (network sets): quadratic in the cluster's size.
 */
export class PrefixSet {
  /** Per family, per prefix length: the network parts of the prefixes of that length. */
  private readonly groups: Record<4 | 6, Map<number, Set<bigint>>> = { 4: new Map(), 6: new Map() };

  add(prefix: Prefix): void {
    const groups = this.groups[prefix.version];
    let networks = groups.get(prefix.length);
    if (!networks) groups.set(prefix.length, (networks = new Set()));
    networks.add(prefix.value >> BigInt(bitsOf(prefix.version) - prefix.length));
  }

  contains(address: Prefix): boolean {
    const bits = bitsOf(address.version);
    for (const [length, networks] of this.groups[address.version]) {
      if (address.length >= length && networks.has(address.value >> BigInt(bits - length))) return true;
    }
    return false;
  }
}
