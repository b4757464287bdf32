import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './helpers/cli.js';

/**
 * examples/<name>/ → golden/<name>/: the output of calpol for every bundled example,
 * compared byte for byte. Refreshing them is deliberate: `npm run golden:update`.
 */
const update = process.env.CALPOL_UPDATE_GOLDEN === '1';
const examples = readdirSync(join(repoRoot, 'examples'))
  .filter((name) => statSync(join(repoRoot, 'examples', name)).isDirectory())
  .sort();

interface GoldenOutput {
  file: string;
  argv: (example: string) => string[];
}

const outputs: GoldenOutput[] = [
  { file: 'lint.txt', argv: (example) => ['lint', `examples/${example}`] },
  { file: 'lint.json', argv: (example) => ['lint', '--format', 'json', `examples/${example}`] },
];

/** Examples that compile (no input errors): the rulesets for every target. */
const compileOutputs: GoldenOutput[] = [
  { file: 'nft.json', argv: (example) => ['compile', `examples/${example}`, '--target', 'nft'] },
  { file: 'nft.txt', argv: (example) => ['compile', `examples/${example}`, '--target', 'nft-text'] },
];
/** Examples whose input is wrong on purpose: their compile golden is the refusal (exit 2). */
const BROKEN_ON_PURPOSE = new Set(['selctor-typo']);
const compiles = (example: string) => !BROKEN_ON_PURPOSE.has(example);

/** Examples with policy unit tests: `calpol test --verbose` explains every flow. */
const flowOutputs: GoldenOutput[] = [
  {
    file: 'explain.txt',
    argv: (example) => ['test', `examples/${example}`, '--expect', `examples/${example}/test.flows.yaml`, '--verbose'],
  },
];

const hasFlows = (example: string) => existsSync(join(repoRoot, 'examples', example, 'test.flows.yaml'));

function render(result: { code: number; stdout: string; stderr: string }): string {
  return `${result.stdout}${result.stderr ? `--- stderr ---\n${result.stderr}` : ''}--- exit ${result.code} ---\n`;
}

describe('golden outputs of the examples', () => {
  it('has a golden folder for every example and none for a missing one', () => {
    const golden = readdirSync(join(repoRoot, 'golden')).sort();
    expect(golden).toEqual(examples);
  });

  for (const example of examples) {
    for (const output of [...outputs, ...(hasFlows(example) ? flowOutputs : []), ...compileOutputs]) {
      it(`${example}/${output.file}`, async () => {
        const actual = render(await runCli(output.argv(example)));
        const path = join(repoRoot, 'golden', example, output.file);
        if (update) {
          mkdirSync(join(repoRoot, 'golden', example), { recursive: true });
          writeFileSync(path, actual);
        }
        expect(existsSync(path), `${path} (run npm run golden:update)`).toBe(true);
        expect(actual).toBe(readFileSync(path, 'utf8'));
      });
    }
  }

  for (const example of examples.filter(compiles)) {
    it(`${example}/iptables/`, async () => {
      const directory = mkdtempSync(join(tmpdir(), 'calpol-golden-'));
      const result = await runCli(['compile', `examples/${example}`, '--target', 'iptables', '-o', directory]);
      // What compile says on stderr (a note about policies that select no endpoint), when anything.
      const stderrPath = join(repoRoot, 'golden', example, 'iptables.stderr');
      if (update) {
        if (result.stderr) writeFileSync(stderrPath, result.stderr);
        else rmSync(stderrPath, { force: true });
      }
      expect(result.stderr).toBe(existsSync(stderrPath) ? readFileSync(stderrPath, 'utf8') : '');
      expect(result.code).toBe(0);
      for (const file of readdirSync(directory).sort()) {
        const actual = readFileSync(join(directory, file), 'utf8');
        const path = join(repoRoot, 'golden', example, 'iptables', file);
        if (update) {
          mkdirSync(join(repoRoot, 'golden', example, 'iptables'), { recursive: true });
          writeFileSync(path, actual);
        }
        expect(existsSync(path), `${path} (run npm run golden:update)`).toBe(true);
        expect(actual).toBe(readFileSync(path, 'utf8'));
      }
    });
  }
});
