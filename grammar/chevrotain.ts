import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/*
 * The chevrotain values the grammar and the selector stage use, from ONE copy of the
 * library (its EOF token and token matching must be the parser's own).
 *
 * Why not `import … from 'chevrotain'`: the package entry is ~30 modules that import
 * lodash-es, whose ~600 modules take ~190 ms to load, on every calpol command (measured on
 * Node 20). The package also ships the same library bundled into one file,
 * `lib/chevrotain.mjs`, which loads in ~12 ms; its `exports` map does not list that file,
 * so it is found beside the resolved entry. When it is missing (another layout, a future
 * version), the package entry is used: same API, only slower to load.
 */
type Chevrotain = typeof import('chevrotain');

async function loadChevrotain(): Promise<Chevrotain> {
  let bundle: string | undefined;
  try {
    // The entry is lib/src/api.js; the bundle is lib/chevrotain.mjs.
    bundle = join(dirname(createRequire(import.meta.url).resolve('chevrotain')), '..', 'chevrotain.mjs');
  } catch {
    bundle = undefined;
  }
  if (bundle !== undefined && existsSync(bundle)) return (await import(pathToFileURL(bundle).href)) as Chevrotain;
  return import('chevrotain');
}

const chevrotain = await loadChevrotain();

export const { createToken, CstParser, EOF, Lexer, tokenMatcher } = chevrotain;
/** For the test that keeps cst.generated.d.ts in step with the grammar (it walks the parser's own grammar classes). */
export const { generateCstDts } = chevrotain;
