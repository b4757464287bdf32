import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError } from './errors.js';

/** A file to write: its text whole, or as chunks produced while it is written (a ruleset too large for one string). */
export type OutputFile = { path: string; text: string } | { path: string; chunks: Iterable<string> };

/** Chunks are gathered up to this many characters before a write: one system call per line would be slow. */
const BATCH_CHARS = 1 << 20;

/** Groups small chunks into strings of about BATCH_CHARS (a larger chunk passes alone). */
export function* batched(chunks: Iterable<string>, size: number = BATCH_CHARS): Generator<string> {
  let parts: string[] = [];
  let length = 0;
  for (const chunk of chunks) {
    parts.push(chunk);
    length += chunk.length;
    if (length >= size) {
      yield parts.join('');
      parts = [];
      length = 0;
    }
  }
  if (length > 0) yield parts.join('');
}

/** Writes the chunks to an open file descriptor, in batches; returns the bytes written. */
export function writeChunksSync(fd: number, chunks: Iterable<string>): number {
  let bytes = 0;
  for (const batch of batched(chunks)) {
    const buffer = Buffer.from(batch, 'utf8');
    // writeSync may write less than asked (a full disk reports an error instead; a pipe may not).
    for (let offset = 0; offset < buffer.length; ) offset += writeSync(fd, buffer, offset);
    bytes += buffer.length;
  }
  return bytes;
}

function writeTemporary(temporary: string, file: OutputFile): void {
  const fd = openSync(temporary, 'w', 0o644);
  try {
    writeChunksSync(fd, 'text' in file ? [file.text] : file.chunks);
  } finally {
    closeSync(fd);
  }
}

/** A failure of the file system (ENOSPC, EACCES…) is the user's to fix; anything else thrown while producing chunks is not. */
const isSystemError = (error: unknown) => error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';

/**
 * Writes files whole or not at all: every file goes to a temporary name in its
 * destination directory first, and only when all are written are they renamed into
 * place (rename is atomic within a file system). On failure the temporaries are removed —
 * also when producing a file's chunks fails halfway.
 */
export async function writeFilesAtomically(files: readonly OutputFile[]): Promise<void> {
  const temporaries: { temporary: string; path: string }[] = [];
  try {
    for (const file of files) {
      await mkdir(dirname(file.path), { recursive: true });
      const temporary = join(dirname(file.path), `.${process.pid}.${Date.now().toString(36)}.${temporaries.length}.calpol-tmp`);
      temporaries.push({ temporary, path: file.path });
      writeTemporary(temporary, file);
    }
    for (const { temporary, path } of temporaries) await rename(temporary, path);
  } catch (error) {
    await Promise.all(temporaries.map(({ temporary }) => rm(temporary, { force: true })));
    if (!isSystemError(error)) throw error;
    throw new UserError(`calpol: cannot write output: ${(error as NodeJS.ErrnoException).message}`);
  }
}
