import { syntheticSpan, type Diagnostic, report } from '../../diag/index.js';
import { unreadableInput } from '../rules/index.js';

/**
 * Largest file calpol reads. A policy repository's biggest files are cluster dumps; 64 MiB
 * holds several hundred thousand pods, and anything bigger is more likely a mistake
 * (a binary, a log) than policy.
 */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export type DecodedText = { ok: true; text: string } | { ok: false; diagnostic: Diagnostic };

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The span every encoding error is reported at: line 1, column 1 of the file. */
function fileStart(file: string) {
  return { ...syntheticSpan(file), line: 1, column: 1, endLine: 1, endColumn: 1 };
}

/**
 * Bytes → text. UTF-8 (a BOM is dropped); UTF-16 LE/BE only with a BOM (without one it is
 * indistinguishable from binary, whose NUL bytes we refuse). A NUL byte or invalid UTF-8
 * means "not a text file", and nothing of it is parsed.
 */
export function decodeSource(file: string, bytes: Uint8Array): DecodedText {
  if (bytes.length > MAX_FILE_BYTES) {
    return fail(file, 'tooLarge', { size: bytes.length, limit: MAX_FILE_BYTES });
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(file, bytes, 'utf-16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(file, bytes, 'utf-16be');
  const nul = bytes.indexOf(0);
  if (nul >= 0) return fail(file, 'binary', { offset: nul });
  const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = hasBom ? bytes.subarray(3) : bytes;
  try {
    return { ok: true, text: fatalUtf8.decode(body) };
  } catch {
    return fail(file, 'invalidUtf8', { offset: firstInvalidUtf8(body) + (hasBom ? 3 : 0) });
  }
}

function decodeUtf16(file: string, bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): DecodedText {
  if ((bytes.length - 2) % 2 !== 0) {
    return fail(file, 'invalidUtf16', { encoding: encoding.toUpperCase(), reason: 'odd number of bytes' });
  }
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(2));
  } catch {
    return fail(file, 'invalidUtf16', { encoding: encoding.toUpperCase(), reason: 'unpaired surrogate' });
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return fail(file, 'binary', { offset: 2 + nul * 2 });
  return { ok: true, text };
}

function fail(
  file: string,
  messageId: 'binary' | 'invalidUtf8' | 'invalidUtf16' | 'tooLarge',
  data: Record<string, string | number>,
): DecodedText {
  return { ok: false, diagnostic: report(unreadableInput, messageId, fileStart(file), data) };
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (for the message only). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return i;
}
