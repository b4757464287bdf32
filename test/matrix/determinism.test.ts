import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { runCli } from '../helpers/cli.js';

/**
 * Same input in any order → byte-identical output (docs/design.md). The documents of two
 * examples are split one per file (a stable name, so every file:line in the output
 * stays the same) and given in shuffled orders; then shuffled inside one file, where
 * the formats without source locations (text, md) must not change either.
 */

const FORMATS = ['text', 'md', 'csv', 'json', 'html'];
const SEED = Number(process.env.CALPOL_SEED ?? 424242);
const scratch = mkdtempSync(join(tmpdir(), 'calpol-matrix-order-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Document {
  name: string;
  value: Record<string, unknown>;
}

function documentsOf(directory: string): Document[] {
  const out: Document[] = [];
  for (const file of readdirSync(directory).filter((f) => f.endsWith('.yaml') && !f.includes('.flows.')).sort()) {
    for (const document of parseAllDocuments(readFileSync(join(directory, file), 'utf8'))) {
      const value = document.toJS() as Record<string, unknown>;
      const items = value.kind === 'List' ? (value.items as Record<string, unknown>[]) : [value];
      for (const item of items) {
        const metadata = item.metadata as { name: string; namespace?: string };
        out.push({ name: `${item.kind}-${metadata.namespace ?? ''}-${metadata.name}`.toLowerCase(), value: item });
      }
    }
  }
  return out;
}

const documents = [...documentsOf('examples/k8s-isolation'), ...documentsOf('examples/tiers-with-pass')];

async function outputs(paths: string[], extra: string[] = []): Promise<string[]> {
  const results: string[] = [];
  for (const format of FORMATS) {
    const result = await runCli(['matrix', ...paths, '--format', format, '--port', 'tcp/5432,tcp/8080,icmp', ...extra]);
    expect(result.code, result.stderr).toBe(0);
    results.push(result.stdout);
  }
  return results;
}

let run = 0;
/** Each document in its own file (a stable name), the files written in the given order, their paths in that order. */
function oneFilePerDocument(order: Document[]): string[] {
  const directory = join(scratch, 'split');
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory);
  return order.map((document) => {
    const path = join(directory, `${document.name}.yaml`);
    writeFileSync(path, stringify(document.value));
    return path;
  });
}

function oneFile(order: Document[]): string {
  const path = join(scratch, `all-${run++}.yaml`);
  writeFileSync(path, order.map((document) => stringify(document.value)).join('---\n'));
  return path;
}

describe('matrix output does not depend on input order', () => {
  it(`files in any order on the command line (seed ${SEED})`, async () => {
    const paths = oneFilePerDocument(documents);
    const expected = await outputs(paths);
    expect(expected[0]).toContain('lab/suspect');
    expect(expected[0]).toContain('store/db');
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(documents, { minLength: documents.length, maxLength: documents.length }), async (order) => {
        const shuffledPaths = oneFilePerDocument(order);
        expect(await outputs(shuffledPaths)).toEqual(expected);
        expect(await outputs([join(scratch, 'split')])).toEqual(expected);
      }),
      { seed: SEED, numRuns: 4 },
    );
  });

  it(`documents in any order inside one file: text and md are byte-identical, and so are the verdicts (seed ${SEED})`, async () => {
    const first = oneFile(documents);
    const [text, md, , json] = await outputs([first]);
    const verdicts = (output: string) => (JSON.parse(output) as { cells: { src: string; dst: string; port: number; verdict: string }[] }).cells.map((c) => `${c.src} ${c.dst} ${c.port} ${c.verdict}`);
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(documents, { minLength: documents.length, maxLength: documents.length }), async (order) => {
        const [shuffledText, shuffledMd, , shuffledJson] = await outputs([oneFile(order)]);
        expect(shuffledText).toBe(text);
        expect(shuffledMd).toBe(md);
        expect(verdicts(shuffledJson!)).toEqual(verdicts(json!));
      }),
      { seed: SEED, numRuns: 4 },
    );
  });
});
