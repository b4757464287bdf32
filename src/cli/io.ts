import { readFileSync } from 'node:fs';

/**
 * Everything a command may do to the outside world goes through this, so the CLI can be
 * run in-process by tests with captured output and no real stdin.
 */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<Uint8Array>;
  /** Whether stdout is a terminal (colour, tables). */
  isTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export function processIo(): Io {
  // A reader that goes away early (`calpol explain ... | head`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return new Uint8Array(Buffer.concat(chunks));
    },
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Colour only on a terminal, and never when NO_COLOR is set (no-color.org). */
export function useColor(io: Io): boolean {
  return io.isTTY && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
}

let cachedVersion: string | undefined;

/** calpol's version from package.json (dist/src/cli/ or src/cli/ → the package root). */
export function calpolVersion(): string {
  if (cachedVersion) return cachedVersion;
  for (const relative of ['../../../package.json', '../../package.json']) {
    try {
      const text = readFileSync(new URL(relative, import.meta.url), 'utf8');
      const parsed = JSON.parse(text) as { name?: string; version?: string };
      if (parsed.name === 'calpol' && parsed.version) return (cachedVersion = parsed.version);
    } catch {
      // try the next layout
    }
  }
  return (cachedVersion = '0.0.0');
}
