import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('calpol selector test', () => {
  it('prints validity, canonical form and id; exit 0', async () => {
    const result = await runCli(['selector', 'test', "app=='web'&&has(tier)"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'valid:     yes\ncanonical: (app == "web" && has(tier))\nid:        ' + JSON.parse((await runCli(['selector', 'test', '-f', 'json', '(app == "web" && has(tier))'])).stdout).id + '\n',
    );
  });

  it('matches labels given as k=v or JSON: exit 0 on a match, 1 otherwise', async () => {
    expect((await runCli(['selector', 'test', "app == 'web'", '--labels', 'app=web,tier=fe'])).code).toBe(0);
    expect((await runCli(['selector', 'test', "app == 'web'", '--labels', '{"app":"db"}'])).code).toBe(1);
    // != is true when the label is absent (upstream semantics).
    const absent = await runCli(['selector', 'test', "app != 'web'", '--labels', '', '-f', 'json']);
    expect(JSON.parse(absent.stdout)).toMatchObject({ valid: true, match: true });
  });

  it('an invalid selector is exit 2 with upstream wording and a caret at the offending token', async () => {
    const result = await runCli(['selector', 'test', "app = 'web'"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("<selector>:1:5: invalid-selector: expected ==\n  app = 'web'\n      ^\n");
  });

  it('the empty selector is all() with upstream\'s id', async () => {
    const result = JSON.parse((await runCli(['selector', 'test', '', '-f', 'json'])).stdout);
    expect(result).toEqual({ selector: '', valid: true, canonical: 'all()', id: 's:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug', match: null, error: null });
  });

  it('--batch answers a JSON array in order', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'calpol-selector-'));
    const file = join(directory, 'cases.json');
    writeFileSync(file, JSON.stringify([{ selector: 'a == "x"', labels: { a: 'x' } }, { selector: 'a = "x"' }, { selector: 'has(b)' }]));
    const result = await runCli(['selector', 'test', '--batch', file]);
    expect(result.code).toBe(0);
    const answers = JSON.parse(result.stdout);
    expect(answers.map((a: { valid: boolean; match: boolean | null; error: string | null }) => [a.valid, a.match, a.error])).toEqual([
      [true, true, null],
      [false, null, 'expected =='],
      [true, null, null],
    ]);
  });

  it('bad --labels and bad batch files are usage errors (exit 2), never stack traces', async () => {
    const labels = await runCli(['selector', 'test', 'has(a)', '--labels', '{"a": 1}']);
    expect(labels.code).toBe(2);
    expect(labels.stderr).toContain('--labels');
    const directory = mkdtempSync(join(tmpdir(), 'calpol-selector-'));
    const file = join(directory, 'bad.json');
    writeFileSync(file, '{"not": "an array"}');
    const batch = await runCli(['selector', 'test', '--batch', file]);
    expect(batch.code).toBe(2);
    expect(batch.stderr).not.toMatch(/\n\s+at /);
  });
});
