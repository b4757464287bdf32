import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

/**
 * The real-world corpus (test/corpus/real-world/README.md): public policy files, each with
 * Calico's verdict. calpol lint must reach the same verdict (no error for a file Calico
 * accepts; an error inside the file for one it rejects), compile must succeed on every
 * file Calico accepts, and nothing may crash. A tier defined in another file of the same
 * repository counts as defined (the corpus's convention): it is declared with --tier.
 *
 * calpol departs from Calico's verdict on purpose in a few cases, listed in DELIBERATE
 * with the finding it gives instead and why.
 */

interface Entry {
  file: string;
  repo: string;
  path: string;
  commit: string;
  verdict: 'valid' | 'invalid';
  reason: string;
}

const corpus = join(repoRoot, 'test/corpus/real-world');
const manifest = JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')) as Entry[];
const scratch = mkdtempSync(join(tmpdir(), 'calpol-corpus-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Files Calico accepts that calpol refuses, with the code it gives and why. */
const DELIBERATE: Record<string, { code: string; why: string; allowUnsupported?: boolean }> = {
  'np-guard--netpol-analyzer/tests__np_bad_path_test_1__netpols.yaml': {
    code: 'duplicate-resource',
    why: 'two differing copies of one NetworkPolicy: the cluster holds whichever is applied last, which calpol cannot know',
  },
  'np-guard--netpol-analyzer/tests__bad_path_namespace_with_same_name__objects.yaml': {
    code: 'duplicate-resource',
    why: 'two differing copies of Namespace blue (one without its label): which labels the cluster has depends on apply order',
  },
  'np-guard--netpol-analyzer/tests__netpol-demo__policies.yaml': {
    code: 'unknown-kind',
    why: 'AdminNetworkPolicy and BaselineAdminNetworkPolicy are policy calpol does not enforce yet: an error, never a silent skip',
    allowUnsupported: true,
  },
  'projectcalico--calico/app-policy__config__demo__30-policy.yaml': {
    code: 'unsupported-field',
    why: 'an http match needs an application-layer proxy: calpol cannot enforce it and fails closed',
    allowUnsupported: true,
  },
};

interface Finding {
  code: string;
  severity: string;
  file: string;
  line: number;
  message: string;
}

async function lint(path: string, extra: string[]): Promise<{ code: number; findings: Finding[] }> {
  const result = await runCli(['lint', path, '--format', 'json', ...extra]);
  expect([0, 1, 2], `${path}: ${result.stderr}`).toContain(result.code);
  return { code: result.code, findings: (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics };
}

/** Tiers the file's policies name and no file of it defines (defined elsewhere in its repository). */
function tiersDefinedElsewhere(findings: readonly Finding[]): string[] {
  const names = findings.filter((f) => f.code === 'missing-tier').map((f) => /^tier (\S+) is not defined/.exec(f.message)?.[1] as string);
  return [...new Set(names)].flatMap((name) => ['--tier', name]);
}

describe('the real-world corpus', () => {
  it('has at least 150 files, each with its source and commit', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(150);
    for (const entry of manifest) {
      expect(entry.commit, entry.file).toMatch(/^[0-9a-f]{40}$/);
      expect(entry.repo, entry.file).toMatch(/^[^/]+\/[^/]+$/);
      expect(['valid', 'invalid']).toContain(entry.verdict);
    }
    for (const file of Object.keys(DELIBERATE)) expect(manifest.map((entry) => entry.file)).toContain(file);
  });

  it.each(manifest.map((entry) => [entry.file, entry] as const))('%s', async (_file, entry) => {
    const path = join(corpus, entry.file);
    let { code, findings } = await lint(path, []);
    const tiers = tiersDefinedElsewhere(findings);
    if (tiers.length > 0) ({ code, findings } = await lint(path, tiers));
    const errors = findings.filter((f) => f.severity === 'error');
    for (const error of errors) expect(error.file, `${error.code} at ${error.file}`).toBe(path);
    const deliberate = DELIBERATE[entry.file];
    if (entry.verdict === 'invalid') {
      expect(errors.length, `Calico rejects it (${entry.reason}); calpol found no error`).toBeGreaterThan(0);
      return;
    }
    const options = [...tiers];
    if (deliberate) {
      expect(errors.map((e) => e.code), deliberate.why).toContain(deliberate.code);
      if (!deliberate.allowUnsupported) return;
      options.push('--allow-unsupported');
      expect((await lint(path, options)).findings.filter((f) => f.severity === 'error')).toEqual([]);
    } else {
      expect(errors.map((e) => `${e.line} ${e.code}: ${e.message}`), `Calico accepts it (${entry.reason})`).toEqual([]);
      expect(code).toBe(0);
    }
    const output = join(scratch, entry.file.replace(/\//g, '__'));
    let compiled = await runCli(['compile', path, '--target', 'nft', '-o', `${output}.json`, ...options]);
    if (compiled.code !== 0 && compiled.stderr.includes('--all-nodes')) {
      compiled = await runCli(['compile', path, '--target', 'nft', '--all-nodes', '-o', output, ...options]);
    }
    expect(compiled.code, compiled.stderr).toBe(0);
  });
});
