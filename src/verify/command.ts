import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { LabError } from './errors.js';

/**
 * Running system tools. Always an argument array, never a shell string: namespace and
 * interface names are validated, but nothing here depends on that for safety.
 */

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** Written to the command's standard input, which is then closed. */
  input?: string;
  timeoutMs?: number;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;

/** Run a command to completion. Rejects only if it cannot be started or times out. */
export function runCommand(argv: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new LabError('command-failed', 'empty command'));
  const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new LabError('command-failed', `${argv.join(' ')}: no answer after ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT') reject(new LabError('tool-missing', `${file} is not installed`));
      else reject(new LabError('command-failed', `${file}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? -1, stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // the command may exit before reading its input
    child.stdin.end(options.input ?? '');
  });
}

/** Run a command that must succeed; a failure becomes a LabError quoting the command and its stderr. */
export async function runChecked(argv: readonly string[], options: CommandOptions = {}): Promise<string> {
  const result = await runCommand(argv, options);
  if (result.exitCode !== 0) {
    const detail = result.stderr.trim() || result.stdout.trim() || `exit code ${result.exitCode}`;
    throw new LabError('command-failed', `\`${argv.join(' ')}\` failed: ${detail}`);
  }
  return result.stdout;
}

/** `ip <args>` that must succeed. */
export function ip(...args: string[]): Promise<string> {
  return runChecked(['ip', ...args]);
}

/** `ip -n <namespace> <args>` that must succeed. */
export function ipIn(namespace: string, ...args: string[]): Promise<string> {
  return runChecked(['ip', '-n', namespace, ...args]);
}

/**
 * Several `ip` commands in one process (`ip -n <namespace> -batch -`), one per line, in
 * order; the first failure stops the batch and is reported with its line. A process start
 * costs about as much as the commands themselves, so wiring batches them.
 */
export async function ipBatch(namespace: string, commands: readonly string[][]): Promise<void> {
  if (commands.length === 0) return;
  await runChecked(['ip', '-n', namespace, '-batch', '-'], { input: `${commands.map((argv) => argv.join(' ')).join('\n')}\n` });
}

/** Synchronous `ip`, for emergency cleanup in signal and exit handlers. Never throws. */
export function ipSync(...args: string[]): boolean {
  try {
    return spawnSync('ip', args, { stdio: 'ignore', timeout: 5_000 }).status === 0;
  } catch {
    return false;
  }
}

/** Whether an executable is on PATH (without running it). */
export function commandExists(name: string): boolean {
  for (const directory of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)) {
    try {
      accessSync(join(directory, name), constants.X_OK);
      return true;
    } catch {
      // try the next directory
    }
  }
  return false;
}
