import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { handleError } from '../../src/cli/run.js';
import { repoRoot, runCli } from '../helpers/cli.js';

const TYPO = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: test-network-policy
  namespace: default
spec:
  selctor:   run == 'source-ip-app'
`;

const CLEAN = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: allow-dns
spec:
  selector: all()
  egress:
    - action: Allow
      protocol: UDP
      destination:
        ports: [53]
`;

function tempFile(name: string, text: string | Uint8Array): string {
  const directory = mkdtempSync(join(tmpdir(), 'calpol-cli-'));
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

describe('calpol lint', () => {
  it('reports the seeds\' selctor typo at its line and column, exit 1', async () => {
    const result = await runCli(['lint', '-'], { stdin: TYPO });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('<stdin>:7:3: error unknown-field: unknown field "selctor" (did you mean "selector"?)');
  });

  it('exits 0 on clean input', async () => {
    const result = await runCli(['lint', tempFile('ok.yaml', CLEAN)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('no problems found\n');
  });

  it('json, sarif and github formats carry the same position', async () => {
    const json = JSON.parse((await runCli(['lint', '--format', 'json', '-'], { stdin: TYPO })).stdout);
    expect(json.diagnostics).toEqual([
      expect.objectContaining({ code: 'unknown-field', severity: 'error', file: '<stdin>', line: 7, column: 3, endLine: 7, endColumn: 10 }),
    ]);
    expect(json.summary).toEqual({ errors: 1, warnings: 0 });
    const sarif = JSON.parse((await runCli(['lint', '--format', 'sarif', '-'], { stdin: TYPO })).stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.region).toMatchObject({ startLine: 7, startColumn: 3 });
    const github = (await runCli(['lint', '--format', 'github', '-'], { stdin: TYPO })).stdout;
    expect(github).toMatch(/^::error file=<stdin>,line=7,col=3,/);
  });

  it('--max-warnings turns too many warnings into exit 1', async () => {
    // A policy kind calpol skips with --allow-unsupported: one warning.
    const unenforced = 'apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata:\n  name: a\n';
    const path = tempFile('anp.yaml', unenforced);
    expect((await runCli(['lint', '--allow-unsupported', path])).code).toBe(0);
    expect((await runCli(['lint', '--allow-unsupported', '--max-warnings', '0', path])).code).toBe(1);
    expect((await runCli(['lint', '--allow-unsupported', '--max-warnings', '1', path])).code).toBe(0);
  });

  it('unreadable input exits 2 with a positioned error and no stack trace', async () => {
    const truncated = await runCli(['lint', '-'], { stdin: 'kind: [Tier\n' });
    expect(truncated.code).toBe(2);
    expect(truncated.stdout).toMatch(/<stdin>:\d+:\d+: error yaml-syntax: /);
    expect(truncated.stdout + truncated.stderr).not.toMatch(/\n\s+at /);
    const binary = await runCli(['lint', tempFile('x.yaml', new Uint8Array([0, 1, 2, 255, 0]))]);
    expect(binary.code).toBe(2);
  });

  it('a missing path or a bad flag is a usage error (exit 2)', async () => {
    const missing = await runCli(['lint', 'no/such/dir']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('no/such/dir: cannot read: no such file or directory\n');
    expect((await runCli(['lint', '--format', 'xml', 'examples'])).code).toBe(2);
    expect((await runCli(['lint'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });

  it('an unexpected exception is reported as an internal error, exit 70', () => {
    let stderr = '';
    const io = { stderr: (text: string) => void (stderr += text), env: {} } as unknown as Io;
    expect(handleError(new TypeError('boom'), io)).toBe(70);
    expect(stderr).toMatch(/^calpol: internal error: boom\n/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the installed binary', () => {
  it('runs through npx-style node invocation with exit codes intact', () => {
    const result = spawnSync(process.execPath, [join(repoRoot, 'dist/src/cli/main.js'), 'lint', '-'], {
      input: TYPO,
      encoding: 'utf8',
      cwd: repoRoot,
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('unknown field "selctor"');
    const version = spawnSync(process.execPath, [join(repoRoot, 'dist/src/cli/main.js'), '--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
