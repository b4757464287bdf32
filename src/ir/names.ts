import { shortHash } from '../diag/index.js';

/** Characters every backend accepts in chain and set names (and that no syntax gives meaning to). */
const SAFE = /^[A-Za-z0-9_.-]+$/;
export const MAX_CHAIN_NAME = 28; // iptables (XT_EXTENSION_MAXNAMELEN - 1)
export const MAX_SET_NAME = 31; // ipset (IPSET_MAXNAMELEN - 1)
const NAME_HASH_LENGTH = 12;

/**
 * Which text each hashed name was made from. Two texts with one name would share a chain
 * or a set: the second would silently get the first's rules or members. A name is a
 * function of its text alone (no counter, so no input order can change it); a clash is
 * astronomically unlikely, and a bug to report, never something to paper over.
 */
export class NameOwners {
  private readonly owners = new Map<string, string>();

  claim(name: string, text: string): string {
    const owner = this.owners.get(name);
    if (owner === undefined) this.owners.set(name, text);
    else if (owner !== text) throw new Error(`bug: the name ${name} was made from two texts: ${JSON.stringify(owner)} and ${JSON.stringify(text)}`);
    return name;
  }
}

/**
 * A readable, unique, length-limited name from user-controlled text: `prefix` + the
 * text reduced to [a-z0-9.-] and cut to fit + `-` + a hash of the FULL text. The hash
 * keeps two texts that reduce alike apart: 12 hex digits (48 bits), so that among the
 * 20,000 chains of 10,000 policies, which often share their readable part (one namespace,
 * one naming scheme), two meet with a chance of about one in a million; callers still
 * check (NameOwners). The name depends on nothing but the text, so it is the same in
 * every run and for every input order.
 */
export function limitedName(prefix: string, text: string, limit = MAX_CHAIN_NAME): string {
  const hash = shortHash(text, NAME_HASH_LENGTH);
  const room = limit - prefix.length - hash.length - 1;
  const readable = text
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, Math.max(room, 0))
    .replace(/-+$/, '');
  const name = readable ? `${prefix}${readable}-${hash}` : `${prefix}${hash}`;
  return assertSafeName(name, limit);
}

/** Names reach backend syntax unquoted: anything else is a bug in calpol, not bad input. */
export function assertSafeName(name: string, limit: number): string {
  if (!SAFE.test(name) || name.length > limit) throw new Error(`bug: unsafe or too long IR name ${JSON.stringify(name)}`);
  return name;
}

/**
 * Origin ids are written into rule comments: keep them to characters with no meaning in
 * nft or iptables-restore syntax; anything else is %XX-escaped (reversibly).
 */
export function safeOriginText(text: string): string {
  return Array.from(new TextEncoder().encode(text))
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9._:/=@+-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}
