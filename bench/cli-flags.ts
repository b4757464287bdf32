import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built CLI entry point (what `calpol` runs), from dist/bench or from bench/ (tests). */
export const CLI = [new URL('../src/cli/main.js', import.meta.url), new URL('../dist/src/cli/main.js', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((path) => existsSync(path)) as string;

/**
 * The node flags `calpol` runs with: those on its `#!/usr/bin/env -S node …` line. The
 * benchmark runs every step with them, so it measures what a `calpol` command does.
 */
export function cliNodeFlags(): string[] {
  const first = readFileSync(CLI, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\S*env\s+(?:-S\s+)?node\b(.*)$/.exec(first);
  if (!match) throw new Error(`${CLI}: unexpected first line ${JSON.stringify(first)}`);
  return (match[1] ?? '').trim().split(/\s+/).filter((flag) => flag !== '');
}
