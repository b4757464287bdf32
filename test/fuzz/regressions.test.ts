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
  // Found by the fuzz campaign (fuzz-daaf4c8ecf03.yaml): validation read the missing ip.
  'pod-ip-entry-without-ip.yaml': ['8:5 missing-field'],
  // Found by the fuzz campaign: a rule selector of a tab parsed alone, not once combined.
  'selector-white-space-only.yaml': ['10:17 invalid-selector'],
};

/** The commands the campaign runs, for a kept input (fuzz-*.yaml) on its own. */
function commands(path: string, output: string): string[][] {
  return [
    ['lint', path],
    ['compile', path, '--target', 'nft', '-o', join(output, 'nft')],
    ['compile', path, '--target', 'nft-text', '-o', join(output, 'nft-text')],
    ['compile', path, '--target', 'iptables', '-o', join(output, 'iptables')],
    ['explain', path, '--src', '10.65.0.10', '--dst', '10.65.0.20', '--proto', 'tcp', '--dport', '80'],
    ['matrix', path],
  ];
}

describe('regression inputs', () => {
  it('has an expectation for every file kept in test/fuzz/regressions/', () => {
    const files = readdirSync(directory).filter((name) => /\.(ya?ml|json)$/.test(name));
    for (const file of files) {
      if (file.startsWith('fuzz-')) continue; // found by the campaign: replayed below
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

  const kept = readdirSync(directory).filter((name) => name.startsWith('fuzz-')).sort();
  it.each(kept)('%s (kept by the fuzz campaign): no command ends in an internal error', async (file) => {
    for (const command of commands(join(directory, file), join(scratch, file))) {
      const result = await runCli(command);
      expect([0, 1, 2], `${command.join(' ')}: ${result.stderr}`).toContain(result.code);
      expect(result.stderr).not.toContain('internal error');
    }
  });
});
