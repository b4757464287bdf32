import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileProgram, renderTarget, renderTargetChunks } from '../../src/cli/commands/compile.js';
import type { Io } from '../../src/cli/io.js';
import { emitIptables, lowerForIptables } from '../../src/emit/iptables/index.js';
import { bigCluster, repoRoot, runCli } from '../helpers/cli.js';

/**
 * `calpol compile --target iptables -o DIR` streams its five files: each is rendered a
 * line at a time while it is written (no file is ever one string), and the bytes are what
 * they were when each file was joined first (the goldens, written by that code).
 */

const quietIo: Io = { stdout: () => {}, stderr: () => {}, readStdin: async () => new Uint8Array(), isTTY: false, env: {}, cwd: repoRoot };
const FILES = ['attach.sh', 'detach.sh', 'ip6tables.rules', 'ipsets.restore', 'iptables.rules'];
const flags = { target: 'iptables' as const, endpointToHostAction: 'drop' as const, tieBreak: 'calpol' as const };
const withGoldens = readdirSync(join(repoRoot, 'examples'))
  .filter((name) => statSync(join(repoRoot, 'examples', name)).isDirectory() && existsSync(join(repoRoot, 'golden', name, 'iptables')))
  .sort();

describe('compile --target iptables: streamed files', () => {
  it('has examples with iptables goldens', () => {
    expect(withGoldens.length).toBeGreaterThan(5);
  });

  for (const example of withGoldens) {
    it(`${example}: one line per chunk, joined as the golden files`, async () => {
      const program = await compileProgram([join('examples', example)], flags, quietIo);
      const files = renderTargetChunks(program, 'iptables');
      expect(files.map((file) => file.name).sort()).toEqual(FILES);
      for (const file of files) {
        const chunks = Array.from(file.chunks);
        for (const chunk of chunks) expect(chunk.indexOf('\n'), `${file.name}: ${JSON.stringify(chunk)}`).toBe(chunk.length - 1);
        expect(chunks.join(''), file.name).toBe(readFileSync(join(repoRoot, 'golden', example, 'iptables', file.name as string), 'utf8'));
      }
    });
  }
});

describe('compile --target iptables: a large ruleset', () => {
  it('writes with -o the files emitIptables joins, line by line', async () => {
    const yaml = bigCluster(1500, '[{port: 8080}, {port: 9090, protocol: UDP}]');
    const directory = mkdtempSync(join(tmpdir(), 'calpol-iptables-'));
    const result = await runCli(['compile', '-', '--target', 'iptables', '-o', directory], { stdin: yaml });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readdirSync(directory).sort()).toEqual(FILES);
    const program = await compileProgram(['-'], flags, { ...quietIo, readStdin: async () => new TextEncoder().encode(yaml) });
    const whole = emitIptables(lowerForIptables(program));
    const expected: Record<string, string> = {
      'iptables.rules': whole.iptables,
      'ip6tables.rules': whole.ip6tables,
      'ipsets.restore': whole.ipsets,
      'attach.sh': whole.attach,
      'detach.sh': whole.detach,
    };
    for (const file of FILES) expect(readFileSync(join(directory, file), 'utf8'), file).toBe(expected[file]);
    expect(whole.iptables.length).toBeGreaterThan(1 << 20);
    // diff still reads the whole texts: the same bytes.
    expect(renderTarget(program, 'iptables').map((file) => [file.name, file.text])).toEqual(
      renderTargetChunks(program, 'iptables').map((file) => [file.name, expected[file.name as string]]),
    );
    // The longest chunk is one line: a few hundred bytes, not a file.
    const longest = Math.max(...Array.from(renderTargetChunks(program, 'iptables')[0]?.chunks ?? [], (chunk) => chunk.length));
    expect(longest).toBeLessThan(1024);
  });
});
