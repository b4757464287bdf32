import { shortHash } from '../../diag/index.js';

/**
 * Text that reaches iptables-restore inside quotes: rule comments (the Origin id) and LOG
 * prefixes. Nothing user-controlled may change the structure of a restore line, so both
 * are reduced to characters with no meaning in the restore syntax.
 */

/** iptables' comment match holds at most 255 characters (XT_MAX_COMMENT_LEN - 1). */
export const MAX_COMMENT = 255;
/** The kernel's LOG prefix holds at most 29 characters. */
export const MAX_LOG_PREFIX = 29;

const SAFE_COMMENT_CHAR = /[A-Za-z0-9._:/=@+-]/;
/** Marks a comment cut to fit: `%` is otherwise always followed by two hex digits. */
const CUT_MARK = '%-';
const HASH_LENGTH = 16;

const ALL_SAFE = /^[A-Za-z0-9._:/=@+-]*$/;

function escapeId(id: string): string {
  // Most ids need no escape: skip the byte-by-byte pass.
  if (ALL_SAFE.test(id)) return id;
  let out = '';
  for (const byte of new TextEncoder().encode(id)) {
    const char = String.fromCharCode(byte);
    out += SAFE_COMMENT_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The comment written for an Origin id: the id's UTF-8 bytes, each outside
 * [A-Za-z0-9._:/=@+-] written as %XX; when that is longer than 255 characters it is cut
 * (never inside a %XX) and ends in `%-` + 16 hex digits of the id's SHA-256.
 */
export function commentForOrigin(id: string): string {
  const escaped = escapeId(id);
  if (escaped.length <= MAX_COMMENT) return escaped;
  const hash = shortHash(id, HASH_LENGTH);
  let cut = MAX_COMMENT - CUT_MARK.length - HASH_LENGTH;
  const partial = escaped.lastIndexOf('%', cut - 1);
  if (partial >= 0 && partial > cut - 3) cut = partial;
  return `${escaped.slice(0, cut)}${CUT_MARK}${hash}`;
}

/**
 * The Origin id a comment stands for: the %XX escapes decoded. A cut comment cannot be
 * decoded; its text itself is the key (look it up with `commentForOrigin(id)`).
 */
export function originIdFromComment(comment: string): string {
  if (comment.includes(CUT_MARK)) return comment;
  const bytes: number[] = [];
  for (let i = 0; i < comment.length; i++) {
    const char = comment[i] as string;
    const hex = comment.slice(i + 1, i + 3);
    if (char === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(char.charCodeAt(0) & 0xff);
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

export function isSafeComment(text: string): boolean {
  return text.length <= MAX_COMMENT && /^[A-Za-z0-9._:/=@+%-]*$/.test(text);
}

/** A LOG prefix iptables takes as is: [A-Za-z0-9 ._:/=@+-] (anything else becomes `_`), ≤ 29 characters. */
export function sanitizeLogPrefix(prefix: string): string {
  return prefix.replace(/[^A-Za-z0-9 ._:/=@+-]/g, '_').slice(0, MAX_LOG_PREFIX);
}
