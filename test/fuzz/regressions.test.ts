import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

/**
 * Inputs that once made calpol crash (exit 70) or misbehave, each kept as a file in
 * test/fuzz/regressions/ (the fuzz campaign adds what it finds there too). Every one
 * must be refused the way bad input is: lint exits 1 with a positioned error, compile
 * exits 2 and writes nothing.
 */

const directory = join(repoRoot, 'test/fuzz/regressions');
const scratch = mkdtempSync(join(tmpdir(), 'calpol-regressions-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What lint must report for each reproducer: `line:column code`, in order. */
const EXPECTED: Record<string, string[]> = {
  // A bare label (no operator) as the last line: the error sits at the document's very end.
  'selector-bare-label-at-end.yaml': ['6:14 invalid-selector'],
  'profile-rule-selector-at-end.yaml': ['9:18 invalid-selector'],
  'pod-ip-not-an-address.yaml': ['11:10 invalid-value', '20:9 invalid-value', '29:9 invalid-value', '37:35 invalid-value'],
  'pod-port-protocol-not-a-protocol.yaml': ['12:17 invalid-type', '27:17 invalid-value', '29:22 invalid-value', '30:15 invalid-value'],
  // Two different lone surrogates once shared one set (both became U+FFFD when hashed).
  'lone-surrogates.yaml': ['6:13 invalid-type', '10:17 invalid-type'],
};

describe('regression inputs', () => {
  it('has an expectation for every file kept in test/fuzz/regressions/', () => {
    const files = readdirSync(directory).filter((name) => /\.(ya?ml|json)$/.test(name));
    for (const file of files) {
      if (file.startsWith('fuzz-')) continue; // found by the campaign: checked there (no exit 70)
      expect(Object.keys(EXPECTED), file).toContain(file);
    }
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: lint reports it where it is; compile exits 2 and writes nothing`, async () => {
      const path = join(directory, file);
      const lint = await runCli(['lint', path, '--format', 'json']);
      expect(lint.stderr).toBe('');
      expect(lint.code).toBe(1);
      const report = JSON.parse(lint.stdout) as { diagnostics: { code: string; severity: string; line: number; column: number }[] };
      const errors = report.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column} ${d.code}`);
      expect(errors).toEqual(expected);
      for (const target of ['nft', 'nft-text', 'iptables']) {
        const output = join(scratch, `${file}-${target}`);
        const compile = await runCli(['compile', path, '--target', target, '-o', output]);
        expect(compile.code, compile.stderr).toBe(2);
        expect(compile.stdout).toBe('');
        expect(existsSync(output) && readdirSync(output).length > 0).toBe(false);
      }
    });
  }
});
