import { resolve } from 'node:path';
import type { Io } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';

export const repoRoot = resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output (no real stdin unless given). */
export async function runCli(argv: string[], options: { stdin?: string | Uint8Array; env?: Record<string, string> } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    readStdin: async () =>
      typeof options.stdin === 'string' ? new TextEncoder().encode(options.stdin) : (options.stdin ?? new Uint8Array()),
    isTTY: false,
    env: options.env ?? {},
    cwd: repoRoot,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}
