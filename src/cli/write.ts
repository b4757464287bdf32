import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError } from './errors.js';

/** A file to write: its text whole, or as chunks produced while it is written (a ruleset too large for one string). */
export type OutputFile = { path: string; text: string } | { path: string; chunks: Iterable<string> };

/**
 * Chunks are gathered up to this many characters before a write: one system call per line
 * would be slow, and larger batches cost memory — gathered chunks live long enough to be
 * promoted to V8's old generation, which then grows by hundreds of MiB over a
 * whole-cluster ruleset (measured at 1 MiB).
 */
const BATCH_CHARS = 64 << 10;

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

const BUFFER_BYTES = 256 << 10;

function writeFully(fd: number, buffer: Buffer, length: number): void {
  // writeSync may write less than asked (a pipe); a full disk is an error, not a short write.
  for (let offset = 0; offset < length; ) offset += writeSync(fd, buffer, offset, length - offset);
}

/**
 * Writes the chunks to an open file descriptor; returns the bytes written. Each chunk is
 * encoded at once into one reused buffer, so chunks die young and no batch string or
 * buffer is allocated per write. A chunk must not end inside a surrogate pair (calpol's
 * are whole lines).
 */
export function writeChunksSync(fd: number, chunks: Iterable<string>): number {
  const buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  let used = 0;
  let bytes = 0;
  for (const chunk of chunks) {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8: reserve the worst case so write() never cuts a chunk.
    if (used + chunk.length * 3 > BUFFER_BYTES) {
      writeFully(fd, buffer, used);
      bytes += used;
      used = 0;
      if (chunk.length * 3 > BUFFER_BYTES) {
        const whole = Buffer.from(chunk, 'utf8');
        writeFully(fd, whole, whole.length);
        bytes += whole.length;
        continue;
      }
    }
    used += buffer.write(chunk, used, 'utf8');
  }
  writeFully(fd, buffer, used);
  return bytes + used;
}

/**
 * Creates (or truncates) the file, writes the chunks and flushes them to the disk before
 * closing; returns the bytes written. The flush is what makes "whole or not at all" hold
 * across a crash too: renamed into place unflushed, a file can come back empty after a
 * power loss. It also keeps a large output from being charged to the next command: the
 * kernel slows down whoever writes while much unflushed data is pending.
 */
export function writeFileDurably(path: string, chunks: Iterable<string>): number {
  const fd = openSync(path, 'w', 0o644);
  try {
    const bytes = writeChunksSync(fd, chunks);
    flush(fd);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** fsync, except where the file system cannot (EINVAL, ENOTSUP: there is nothing to flush to). */
function flush(fd: number): void {
  try {
    fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP') throw error;
  }
}

function writeTemporary(temporary: string, file: OutputFile): void {
  writeFileDurably(temporary, 'text' in file ? [file.text] : file.chunks);
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
