import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileProgram, renderTargetChunks } from '../../src/cli/commands/compile.js';
import { UserError } from '../../src/cli/errors.js';
import type { Io } from '../../src/cli/io.js';
import { batched, writeChunksSync, writeFilesAtomically } from '../../src/cli/write.js';
import { bigCluster, repoRoot, runCli } from '../helpers/cli.js';

/**
 * `calpol compile` streams the nft targets: the ruleset goes out in chunks (one command or
 * rule line each) gathered into batches, and no string holds the whole of it.
 */

const quietIo: Io = { stdout: () => {}, stderr: () => {}, readStdin: async () => new Uint8Array(), isTTY: false, env: {}, cwd: repoRoot };
const examples = readdirSync(join(repoRoot, 'examples'))
  .filter((name) => statSync(join(repoRoot, 'examples', name)).isDirectory() && name !== 'selctor-typo')
  .sort();

/** A golden file is the command's stdout, then its stderr (if any) and exit code. */
function goldenStdout(example: string, file: string): string {
  const golden = readFileSync(join(repoRoot, 'golden', example, file), 'utf8');
  return golden.slice(0, golden.search(/(--- stderr ---\n[\s\S]*)?--- exit 0 ---\n$/));
}

describe('compile: streamed nft output', () => {
  for (const example of examples) {
    it(`${example}: the chunks joined are the single-string output (golden)`, async () => {
      const flags = { target: 'nft' as const, endpointToHostAction: 'drop' as const, tieBreak: 'calpol' as const };
      const program = await compileProgram([join(repoRoot, 'examples', example)], flags, quietIo);
      for (const [target, file] of [['nft', 'nft.json'], ['nft-text', 'nft.txt']] as const) {
        const [rendered, ...more] = renderTargetChunks(program, target);
        expect(more).toEqual([]);
        const chunks = Array.from(rendered?.chunks ?? []);
        expect(chunks.length).toBeGreaterThan(4);
        expect(chunks.join('')).toBe(goldenStdout(example, file));
      }
    });
  }
});

describe('compile: a large ruleset', () => {
  it('goes to stdout in bounded batches and to -o as the same bytes', async () => {
    const yaml = bigCluster(1500, '[{port: 8080}]');
    const writes: number[] = [];
    let stdout = '';
    const io: Io = { ...quietIo, stdout: (text) => void (writes.push(text.length), (stdout += text)), readStdin: async () => new TextEncoder().encode(yaml) };
    const { run } = await import('../../src/cli/run.js');
    expect(await run(['compile', '-', '--target', 'nft'], io)).toBe(0);
    expect(stdout.length).toBeGreaterThan(3 << 20);
    expect(writes.length).toBeGreaterThan(2);
    // A batch is about 64 KiB: one chunk (a command, one line) over it at most.
    const longestLine = Math.max(...stdout.split('\n').map((line) => line.length + 1));
    expect(longestLine).toBeLessThan(stdout.length / 20);
    for (const length of writes) expect(length).toBeLessThan((64 << 10) + longestLine);
    const directory = mkdtempSync(join(tmpdir(), 'calpol-stream-'));
    const output = join(directory, 'ruleset.json');
    expect((await runCli(['compile', '-', '--target', 'nft', '-o', output], { stdin: yaml })).code).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe(stdout);
    expect(readdirSync(directory)).toEqual(['ruleset.json']);
  });
});

describe('writeFilesAtomically with chunks', () => {
  const line = `${'x'.repeat(99)}\n`;

  it('writes batches while the chunks are still being produced', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'calpol-write-'));
    let sizeOnDiskMidway = -1;
    function* chunks(): Generator<string> {
      for (let i = 0; i < 40_000; i++) {
        // Halfway (about 2 MiB in), a batch must already be in the temporary file.
        if (i === 20_000) sizeOnDiskMidway = readdirSync(directory).reduce((sum, name) => sum + statSync(join(directory, name)).size, 0);
        yield line;
      }
    }
    await writeFilesAtomically([{ path: join(directory, 'out.txt'), chunks: chunks() }]);
    expect(sizeOnDiskMidway).toBeGreaterThanOrEqual(1 << 20);
    expect(statSync(join(directory, 'out.txt')).size).toBe(40_000 * line.length);
    expect(readdirSync(directory)).toEqual(['out.txt']);
  });

  it('writes nothing when producing the chunks fails halfway, and does not call a bug a write error', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'calpol-write-'));
    function* failing(): Generator<string> {
      for (let i = 0; i < 30_000; i++) yield line;
      throw new Error('bug: halfway');
    }
    const written = writeFilesAtomically([{ path: join(directory, 'a.txt'), text: 'whole\n' }, { path: join(directory, 'b.txt'), chunks: failing() }]);
    await expect(written).rejects.toThrow('bug: halfway');
    await expect(written).rejects.not.toBeInstanceOf(UserError);
    expect(readdirSync(directory)).toEqual([]);
  });

  it('reports a file system failure as a user error', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'calpol-write-'));
    writeFileSync(join(directory, 'file'), '');
    const written = writeFilesAtomically([{ path: join(directory, 'file', 'out.txt'), chunks: ['x'] }]);
    await expect(written).rejects.toBeInstanceOf(UserError);
    await expect(written).rejects.toThrow(/cannot write output/);
    expect(readdirSync(directory)).toEqual(['file']);
  });
});

describe('writeChunksSync', () => {
  it('writes every chunk in order, multi-byte text and chunks larger than its buffer included, and counts bytes', () => {
    const directory = mkdtempSync(join(tmpdir(), 'calpol-write-'));
    const chunks = ['a\n', 'é€🚀\n'.repeat(30_000), ...Array.from({ length: 50_000 }, (_, i) => `ünï ${i}\n`), 'x'.repeat(1 << 20), 'end\n'];
    const path = join(directory, 'out.txt');
    const fd = openSync(path, 'w');
    const bytes = writeChunksSync(fd, chunks);
    closeSync(fd);
    const expected = Buffer.from(chunks.join(''), 'utf8');
    expect(bytes).toBe(expected.length);
    expect(readFileSync(path).equals(expected)).toBe(true);
  });
});

describe('batched', () => {
  it('gathers small chunks into batches of about the given size, losing nothing', () => {
    const chunks = Array.from({ length: 1000 }, (_, i) => `${i}\n`);
    const batches = Array.from(batched(chunks, 100));
    expect(batches.join('')).toBe(chunks.join(''));
    expect(batches.length).toBeGreaterThan(30);
    for (const batch of batches.slice(0, -1)) expect(batch.length).toBeGreaterThanOrEqual(100);
    expect(Array.from(batched([]))).toEqual([]);
  });
});
