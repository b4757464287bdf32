import type { SelectorError } from './types.js';

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * How one UTF-16 unit of the selector is shown. Control characters are escaped so
 * that the selector stays on one line and the caret line stays aligned with it.
 */
function shown(unit: string): string {
  const code = unit.charCodeAt(0);
  if (code >= 0x20 && code !== 0x7f) return unit;
  return ESCAPES[unit] ?? `\\x${code.toString(16).padStart(2, '0')}`;
}

/**
 * The selector and, under it, a caret line marking the offending text (the message
 * itself is left to the caller, who prints it with its file position):
 *
 *     a = "b"
 *       ^
 */
export function formatSelectorError(text: string, error: SelectorError): string {
  const units = Array.from({ length: text.length }, (_, index) => shown(text.charAt(index)));
  const start = Math.min(Math.max(error.offset, 0), text.length);
  const end = Math.min(start + Math.max(error.length, 0), text.length);
  const indent = units.slice(0, start).join('').length;
  const width = Math.max(1, units.slice(start, end).join('').length);
  return `${units.join('')}\n${' '.repeat(indent)}${'^'.repeat(width)}`;
}
