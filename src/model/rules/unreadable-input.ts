import type { RuleDefinition } from '../../diag/index.js';

/** The bytes of a file cannot be read as text at all: binary, bad encoding, or too large. */
export const unreadableInput: RuleDefinition<'binary' | 'invalidUtf8' | 'invalidUtf16' | 'tooLarge'> = {
  id: 'unreadable-input',
  severity: 'error',
  description: 'A file that cannot be read as UTF-8 or UTF-16 text (binary, wrong encoding, or too large).',
  messages: {
    binary: 'binary or non-UTF-8 file: it contains a NUL byte at offset {offset}',
    invalidUtf8: 'binary or non-UTF-8 file: invalid UTF-8 byte sequence at offset {offset}',
    invalidUtf16: 'invalid UTF-16 text ({encoding} with byte order mark): {reason}',
    tooLarge: 'file is {size} bytes, larger than the {limit}-byte limit: not read',
  },
};
