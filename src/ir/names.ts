import { shortHash } from '../diag/index.js';

/** Characters every backend accepts in chain and set names (and that no syntax gives meaning to). */
const SAFE = /^[A-Za-z0-9_.-]+$/;
export const MAX_CHAIN_NAME = 28; // iptables (XT_EXTENSION_MAXNAMELEN - 1)
export const MAX_SET_NAME = 31; // ipset (IPSET_MAXNAMELEN - 1)

export { shortHash };

/**
 * A readable, unique, length-limited name from user-controlled text: `prefix` + the
 * text reduced to [a-z0-9.-] and cut to fit + `-` + a hash of the FULL text. The hash
 * keeps two texts that reduce alike apart; the name depends on nothing but the text, so
 * it is the same in every run and for every input order.
 */
export function limitedName(prefix: string, text: string, limit = MAX_CHAIN_NAME): string {
  const hash = shortHash(text, 6);
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
