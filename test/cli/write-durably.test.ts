import { mkdtempSync, readFileSync } from 'node:fs';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// Counts the flushes (the real fsync still runs).
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, fsyncSync: vi.fn(actual.fsyncSync) };
});

const { writeFileDurably, writeFilesAtomically } = await import('../../src/cli/write.js');

describe('output files are flushed to the disk before they are renamed into place', () => {
  it('writeFilesAtomically flushes every file it writes', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'calpol-durable-'));
    vi.mocked(fs.fsyncSync).mockClear();
    await writeFilesAtomically([
      { path: join(directory, 'a.rules'), text: 'a\n' },
      { path: join(directory, 'b.rules'), chunks: ['b\n', 'c\n'] },
    ]);
    expect(vi.mocked(fs.fsyncSync)).toHaveBeenCalledTimes(2);
    expect(readFileSync(join(directory, 'b.rules'), 'utf8')).toBe('b\nc\n');
  });

  it('writeFileDurably returns the bytes; a file that cannot be flushed (EINVAL: /dev/null) is still written', () => {
    const directory = mkdtempSync(join(tmpdir(), 'calpol-durable-'));
    expect(writeFileDurably(join(directory, 'x'), ['é\n'])).toBe(3);
    expect(readFileSync(join(directory, 'x'), 'utf8')).toBe('é\n');
    vi.mocked(fs.fsyncSync).mockClear();
    expect(writeFileDurably('/dev/null', ['ignored\n'])).toBe(8);
    expect(vi.mocked(fs.fsyncSync)).toHaveBeenCalledTimes(1);
  });

  it('any other flush error is not hidden', () => {
    const directory = mkdtempSync(join(tmpdir(), 'calpol-durable-'));
    vi.mocked(fs.fsyncSync).mockImplementationOnce(() => {
      throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO', syscall: 'fsync' });
    });
    expect(() => writeFileDurably(join(directory, 'y'), ['y\n'])).toThrow(/EIO/);
  });
});
