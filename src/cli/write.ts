import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError } from './errors.js';

/**
 * Writes files whole or not at all: every file goes to a temporary name in its
 * destination directory first, and only when all are written are they renamed into
 * place (rename is atomic within a file system). On failure the temporaries are removed.
 */
export async function writeFilesAtomically(files: readonly { path: string; text: string }[]): Promise<void> {
  const temporaries: { temporary: string; path: string }[] = [];
  try {
    for (const { path, text } of files) {
      await mkdir(dirname(path), { recursive: true });
      const temporary = join(dirname(path), `.${process.pid}.${Date.now().toString(36)}.${temporaries.length}.calpol-tmp`);
      temporaries.push({ temporary, path });
      await writeFile(temporary, text, { mode: 0o644 });
    }
    for (const { temporary, path } of temporaries) await rename(temporary, path);
  } catch (error) {
    await Promise.all(temporaries.map(({ temporary }) => rm(temporary, { force: true })));
    throw new UserError(`calpol: cannot write output: ${(error as NodeJS.ErrnoException).message}`);
  }
}
