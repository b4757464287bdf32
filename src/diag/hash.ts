import { createHash } from 'node:crypto';

/* The one place calpol hashes text: names of sets, chains and interfaces, cut comments, ids. */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string holds a UTF-16 surrogate that is not half of a pair (no Unicode character). */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/**
 * Bytes that differ for different strings. Well-formed text is its UTF-8 (what upstream
 * hashes, so names derived from it match Calico's). UTF-8 cannot hold a lone surrogate
 * (Node writes U+FFFD for every one, so `'\ud800'` and `'\udf6e'` would hash alike);
 * such text is 0xFF, a byte UTF-8 never uses, then its UTF-16 code units.
 */
export function textBytes(text: string): Buffer {
  if (!hasLoneSurrogate(text)) return Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from([0xff]), Buffer.from(text, 'utf16le')]);
}

export type HashAlgorithm = 'sha1' | 'sha224' | 'sha256';

/** The digest of a text's bytes (textBytes), as hex or base64url. */
export function hashText(text: string, algorithm: HashAlgorithm = 'sha256', encoding: 'hex' | 'base64url' = 'hex'): string {
  return createHash(algorithm).update(textBytes(text)).digest(encoding);
}

/** The first `length` hex digits of SHA-256 of a text. */
export function shortHash(text: string, length = 8): string {
  return hashText(text).slice(0, length);
}
