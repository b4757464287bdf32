import { shortHash } from '../../diag/index.js';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * Everything that reaches the ruleset as text goes through here. IR names (chains, sets,
 * maps, the table) and interface names are already safe by the IR's contract: anything
 * else is a bug upstream and throws. Free text (origin ids in comments, log prefixes) is
 * escaped reversibly and cut to nft's limits, so no user-controlled string can change
 * the ruleset's structure in the JSON or in the text form.
 */

/** nft's NFT_NAME_MAXLEN (256, with the terminating NUL). */
export const MAX_NFT_NAME = 255;
/** Rule comments up to 128 bytes are safe (longer ones fail or crash nft 1.0.6). */
export const MAX_COMMENT_BYTES = 128;
/** The kernel's NF_LOG_PREFIXLEN (128, with the NUL): 128 characters → `Numerical result out of range`. */
export const MAX_LOG_PREFIX_BYTES = 127;
/** IFNAMSIZ - 1. */
const MAX_INTERFACE = 15;

const IR_NAME = /^[A-Za-z0-9_.-]+$/;
const INTERFACE = /^[A-Za-z0-9_.-]+\*?$/;

export function assertIrName(what: string, name: string): string {
  if (!IR_NAME.test(name) || name.length > MAX_NFT_NAME) {
    throw new Error(`bug: unsafe ${what} name ${JSON.stringify(name)} in the IR (expected 1-${MAX_NFT_NAME} of [A-Za-z0-9_.-])`);
  }
  return name;
}

/** An interface name, or a prefix followed by nft's wildcard `*`. */
export function assertInterfaceName(name: string): string {
  if (!INTERFACE.test(name) || name.length > MAX_INTERFACE) {
    throw new Error(`bug: unsafe interface name ${JSON.stringify(name)} in the IR (expected 1-${MAX_INTERFACE} of [A-Za-z0-9_.-], optional trailing *)`);
  }
  return name;
}

/** An IPv4 or IPv6 address, or a CIDR of the given family; returns it split for nft. */
export function parseAddress(text: string, version: 4 | 6): { addr: string; len?: number } {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const valid = version === 4 ? isIPv4(addr) : isIPv6(addr);
  if (!valid) throw new Error(`bug: ${JSON.stringify(text)} is not an IPv${version} address or CIDR`);
  if (slash < 0) return { addr };
  const lengthText = text.slice(slash + 1);
  const len = Number(lengthText);
  if (!/^\d{1,3}$/.test(lengthText) || len > (version === 4 ? 32 : 128)) {
    throw new Error(`bug: ${JSON.stringify(text)} has an invalid prefix length`);
  }
  return { addr, len };
}

// ---- reversible escaping of free text ------------------------------------------------

const SAFE_COMMENT_CHAR = /[A-Za-z0-9._:/=@+-]/;
const SAFE_LOG_CHAR = /[A-Za-z0-9._:/=@+ -]/;
/** Texts made only of safe characters escape to themselves (almost every origin id): no byte loop. */
const ALL_SAFE_COMMENT = /^[A-Za-z0-9._:/=@+-]*$/;
const ALL_SAFE_LOG = /^[A-Za-z0-9._:/=@+ -]*$/;
/** Marks a cut text; never produced by escaping (it is not a safe character). */
const CUT_MARK = '~';
const HASH_LENGTH = 8;

function escapeText(text: string, safe: RegExp, allSafe: RegExp): string {
  if (allSafe.test(text)) return text;
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    const char = String.fromCharCode(byte);
    out += safe.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Escaped text within `limit` bytes (all escaped text is ASCII). Too long: a prefix,
 * never ending inside a %XX escape, then `~` and 8 hex digits of SHA-256 of the whole
 * original, so two long texts with the same start still differ.
 */
function limitText(original: string, escaped: string, limit: number): string {
  if (escaped.length <= limit) return escaped;
  let keep = limit - CUT_MARK.length - HASH_LENGTH;
  const lastPercent = escaped.lastIndexOf('%', keep - 1);
  if (lastPercent >= 0 && lastPercent > keep - 3) keep = lastPercent;
  const hash = shortHash(original, HASH_LENGTH);
  return `${escaped.slice(0, keep)}${CUT_MARK}${hash}`;
}

/** The original text of an escaped one, or undefined when it was cut or is not escaped text. */
function unescapeText(escaped: string, safe: RegExp): string | undefined {
  if (escaped.includes(CUT_MARK)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < escaped.length; i++) {
    const char = escaped[i] as string;
    if (char === '%') {
      const hex = escaped.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (safe.test(char)) bytes.push(char.charCodeAt(0));
    else return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/**
 * The rule comment for an origin id: only `[A-Za-z0-9._:/=@+-]`, anything else %XX
 * (UTF-8 bytes), at most 128 bytes. Reversible (commentToOriginId) whenever the escaped
 * id fits; a longer one is cut and hashed, and the decoder hands that cut form to the
 * caller's origin lookup, so callers building a lookup key it by this function.
 */
export function commentForOrigin(id: string): string {
  return limitText(id, escapeText(id, SAFE_COMMENT_CHAR, ALL_SAFE_COMMENT), MAX_COMMENT_BYTES);
}

/** The origin id a comment was made from, or undefined when the comment was cut (or is foreign). */
export function commentToOriginId(comment: string): string | undefined {
  return unescapeText(comment, SAFE_COMMENT_CHAR);
}

/** Whether a comment is one commentForOrigin could have produced (escaped or cut). */
export function isCalpolComment(comment: string): boolean {
  return comment.length <= MAX_COMMENT_BYTES && /^[A-Za-z0-9._:/=@+%-]*(~[0-9a-f]{8})?$/.test(comment);
}

/** A log prefix as written into the ruleset: like a comment, spaces allowed, ≤ 127 bytes. */
export function logPrefixText(prefix: string): string {
  return limitText(prefix, escapeText(prefix, SAFE_LOG_CHAR, ALL_SAFE_LOG), MAX_LOG_PREFIX_BYTES);
}

/** The IR log prefix of an emitted one (the emitted text itself when it was cut). */
export function logPrefixFromText(text: string): string {
  return unescapeText(text, SAFE_LOG_CHAR) ?? text;
}
