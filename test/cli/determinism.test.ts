import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../../src/cli/commands/compile.js';
import { repoRoot, runCli } from '../helpers/cli.js';

/**
 * Every output file of every target is a pure function of the resources: permuting the
 * documents, splitting them over files of any names in any directories, and adding
 * comments, blank lines and empty documents must give byte-identical files (README,
 * "calpol compile"). Helper-chain names once hashed YAML positions; this catches any
 * name, order or text that sees a file name, a path, a line or a comment.
 */

const seed = Number(process.env.CALPOL_SEED ?? 20_261_207);
const scratch = mkdtempSync(join(tmpdir(), 'calpol-determinism-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The examples that compile (lint-* examples with errors are left out by the first compile). */
const EXAMPLES = readdirSync(join(repoRoot, 'examples')).sort();

function documentsOf(example: string): string[] {
  const directory = join(repoRoot, 'examples', example);
  return readdirSync(directory)
    .filter((name) => /\.ya?ml$/.test(name) && !name.endsWith('.flows.yaml'))
    .sort()
    .flatMap((name) => readFileSync(join(directory, name), 'utf8').split(/^---[ \t]*$/m))
    .map((document) => document.replace(/^(#[^\n]*\n|[ \t]*\n)+/, '').trimEnd())
    .filter((document) => document.length > 0 && !/^(#.*\n?)*$/.test(document));
}

/** Every file a compile wrote, by name (iptables writes a directory, the others one file). */
async function compile(paths: string[], target: string, node: string | undefined, into: string): Promise<Record<string, string>> {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  const output = target === 'iptables' ? into : join(into, 'ruleset');
  const result = await runCli(['compile', ...paths, '--target', target, '-o', output, ...(node ? ['--node', node] : [])]);
  // A refusal names file paths: only its exit code is compared.
  if (result.code !== 0) return { exit: String(result.code) };
  return Object.fromEntries(readdirSync(into).sort().map((name) => [name, readFileSync(join(into, name), 'utf8')]));
}

interface Layout {
  order: number[];
  files: number;
  /** Per document: which file, a comment before it, blank lines, an empty document. */
  decorations: { file: number; comment: boolean; blanks: number; empty: boolean }[];
  names: string[];
  nested: boolean[];
}

const decoration = fc.record({ file: fc.nat(), comment: fc.boolean(), blanks: fc.integer({ min: 0, max: 2 }), empty: fc.boolean() });
const fileName = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);

function layout(count: number): fc.Arbitrary<Layout> {
  return fc.record({
    order: fc.shuffledSubarray([...Array(count).keys()], { minLength: count, maxLength: count }),
    files: fc.integer({ min: 1, max: 4 }),
    decorations: fc.array(decoration, { minLength: count, maxLength: count }),
    names: fc.uniqueArray(fileName, { minLength: 4, maxLength: 4 }),
    nested: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  });
}

/** Writes the documents as the layout says; returns the paths in a shuffled order of their own. */
function writeLayout(documents: readonly string[], plan: Layout, directory: string): string[] {
  rmSync(directory, { recursive: true, force: true });
  const texts: string[] = Array.from({ length: plan.files }, () => '');
  plan.order.forEach((index, position) => {
    const { file, comment, blanks, empty } = plan.decorations[position] as Layout['decorations'][number];
    const target = file % plan.files;
    let text = '\n'.repeat(blanks);
    if (comment) text += `# note ${position}: kept out of the ruleset\n`;
    if (empty) text += '---\n';
    text += `${documents[index]}\n`;
    texts[target] += (texts[target] ? '---\n' : '') + text;
  });
  return texts.map((text, file) => {
    const folder = plan.nested[file] ? join(directory, `sub-${plan.names[file]}`) : directory;
    mkdirSync(folder, { recursive: true });
    const path = join(folder, `${plan.names[file]}.yaml`);
    writeFileSync(path, text);
    return path;
  }).reverse();
}

describe('compile output is a pure function of the resources', () => {
  for (const example of EXAMPLES) {
    it(`${example}: every file of every target, for any file names, order, comments and blank lines`, async () => {
      const documents = documentsOf(example);
      const paths = [join(repoRoot, 'examples', example)];
      const nodes: (string | undefined)[] = [undefined, 'node-1'];
      const reference: Record<string, Record<string, string>> = {};
      for (const target of TARGETS) {
        for (const node of nodes) reference[`${target} ${node}`] = await compile(paths, target, node, join(scratch, 'reference'));
      }
      if (Object.values(reference).every((files) => 'exit' in files)) return; // an example that does not compile (lint-*)
      await fc.assert(
        fc.asyncProperty(layout(documents.length), fc.constantFrom(...TARGETS), fc.constantFrom(...nodes), async (plan, target, node) => {
          const written = writeLayout(documents, plan, join(scratch, 'input'));
          const files = await compile(written, target, node, join(scratch, 'output'));
          expect(files).toEqual(reference[`${target} ${node}`]);
        }),
        { seed, numRuns: 20 },
      );
    });
  }
});
