import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeSource, type SourceFile } from '../model/index.js';
import { UserError } from './errors.js';
import type { Io } from './io.js';

const POLICY_FILE = /\.(ya?ml|json)$/i;
/** Flow files (`calpol test --expect`) may sit beside the policies they test; a directory walk skips them. */
const FLOWS_FILE = /\.flows\.(ya?ml|json)$/i;

async function walkDirectory(directory: string, out: string[]): Promise<void> {
  const entries = await readdir(directory, { withFileTypes: true });
  // Sorted so that the order of work (and of any message about it) never depends on the file system.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) await walkDirectory(path, out);
    else if (entry.isFile() && POLICY_FILE.test(entry.name) && !FLOWS_FILE.test(entry.name)) out.push(path);
  }
}

/** The files a list of command-line paths stands for: files as given, directories walked, `-` for stdin. */
export async function readSources(paths: readonly string[], io: Io): Promise<SourceFile[]> {
  if (paths.length === 0) throw new UserError('calpol: no input: give files, directories, or - for stdin');
  const sources: SourceFile[] = [];
  let stdinRead = false;
  for (const path of paths) {
    if (path === '-') {
      if (stdinRead) throw new UserError('calpol: - (stdin) given more than once');
      stdinRead = true;
      sources.push({ file: '<stdin>', bytes: await io.readStdin() });
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch (error) {
      throw new UserError(`${path}: cannot read: ${describeFsError(error)}`);
    }
    const files: string[] = [];
    if (isDirectory) {
      await walkDirectory(path, files);
      if (files.length === 0) throw new UserError(`${path}: no .yaml, .yml or .json files in this directory`);
    } else {
      files.push(path);
    }
    for (const file of files) {
      try {
        sources.push({ file, bytes: new Uint8Array(await readFile(file)) });
      } catch (error) {
        throw new UserError(`${file}: cannot read: ${describeFsError(error)}`);
      }
    }
  }
  return sources;
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return code ?? String(error);
  }
}

/** Decoded text of each source, for printing the offending line under a diagnostic. */
export function sourceLineLookup(sources: readonly SourceFile[]): (file: string, line: number) => string | undefined {
  const cache = new Map<string, string[]>();
  const byFile = new Map(sources.map((s) => [s.file, s.bytes]));
  return (file, line) => {
    let lines = cache.get(file);
    if (!lines) {
      const bytes = byFile.get(file);
      if (!bytes) return undefined;
      // Decoded as the loader decodes it (BOM, UTF-16), so columns line up with diagnostics.
      const decoded = decodeSource(file, bytes);
      lines = (decoded.ok ? decoded.text : new TextDecoder('utf-8', { fatal: false }).decode(bytes)).split('\n');
      cache.set(file, lines);
    }
    return lines[line - 1]?.replace(/\r$/, '');
  };
}
