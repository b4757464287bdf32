import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

const seed = Number(process.env.CALPOL_SEED ?? 20_261_123);

function exampleDocuments(example: string): string[] {
  const directory = join(repoRoot, 'examples', example);
  return readdirSync(directory)
    .filter((name) => name.endsWith('.yaml') && !name.endsWith('.flows.yaml'))
    .sort()
    .flatMap((name) => readFileSync(join(directory, name), 'utf8').split(/^---$/m))
    .map((document) => document.trim())
    .filter((document) => document.length > 0 && !/^(#.*\n?)*$/.test(document));
}

describe('calpol compile', () => {
  it('writes nft JSON to stdout, exit 0', async () => {
    const result = await runCli(['compile', 'examples/allow-tcp-6379', '--target', 'nft']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.nftables[0]).toEqual({ metainfo: { json_schema_version: 1 } });
  });

  it('is byte-identical for the same resources in any document or file order (fast-check, seeded)', async () => {
    const documents = exampleDocuments('tiers-with-pass');
    const reference = (await runCli(['compile', 'examples/tiers-with-pass', '--target', 'nft'])).stdout;
    const directory = mkdtempSync(join(tmpdir(), 'calpol-shuffle-'));
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(documents, { minLength: documents.length, maxLength: documents.length }), fc.integer({ min: 1, max: 3 }), async (shuffled, files) => {
        const paths: string[] = [];
        for (let file = 0; file < files; file++) {
          const path = join(directory, `part-${file}.yaml`);
          writeFileSync(path, shuffled.filter((_, index) => index % files === file).join('\n---\n') + '\n');
          paths.push(path);
        }
        const result = await runCli(['compile', ...paths.reverse(), '--target', 'nft']);
        expect(result.code).toBe(0);
        expect(result.stdout).toBe(reference);
      }),
      { seed, numRuns: 12 },
    );
  });

  it('refuses input with errors: exit 2, positioned message, nothing written', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'calpol-compile-'));
    const output = join(directory, 'out.json');
    const result = await runCli(['compile', 'examples/selctor-typo', '--target', 'nft', '-o', output]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('examples/selctor-typo/acl.yaml:11:3: error unknown-field');
    expect(result.stdout).toBe('');
    expect(existsSync(output)).toBe(false);
  });

  it('writes -o files whole (no temporary file left behind)', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'calpol-compile-'));
    const output = join(directory, 'ruleset.nft');
    const result = await runCli(['compile', 'examples/k8s-isolation', '--target', 'nft-text', '-o', output]);
    expect(result.code).toBe(0);
    expect(readFileSync(output, 'utf8')).toContain('table inet calpol {');
    expect(readdirSync(directory)).toEqual(['ruleset.nft']);
  });

  it('iptables needs an output directory and writes its files there', async () => {
    expect((await runCli(['compile', 'examples/k8s-isolation', '--target', 'iptables'])).code).toBe(2);
    const directory = mkdtempSync(join(tmpdir(), 'calpol-compile-'));
    const result = await runCli(['compile', 'examples/k8s-isolation', '--target', 'iptables', '-o', directory]);
    expect(result.code).toBe(0);
    expect(readdirSync(directory).sort()).toEqual(['attach.sh', 'detach.sh', 'ip6tables.rules', 'ipsets.restore', 'iptables.rules']);
  });

  it('user text cannot change ruleset structure: quotes, newlines, #, ;, braces and -A stay inside one escaped comment', async () => {
    const hostile = `x"; drop -A FORWARD -j ACCEPT # } { \\n`;
    const yaml = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: hostile}
spec:
  selector: all()
  ingress:
    - action: Allow
      source:
        selector: ${JSON.stringify(`app == '${hostile}'`)}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {nodeName: node-1, containers: [{name: web}]}
status: {podIP: 10.0.0.1}
`;
    for (const target of ['nft', 'nft-text'] as const) {
      const result = await runCli(['compile', '-', '--target', target], { stdin: yaml });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).not.toContain('-A FORWARD');
      expect(result.stdout).not.toContain('drop -A');
      // The selector did reach the output, escaped, in the comment of its set.
      if (target === 'nft-text') expect(result.stdout).toContain('drop%20-A%20FORWARD%20-j%20ACCEPT%20%23%20%7D%20%7B');
    }
    const directory = mkdtempSync(join(tmpdir(), 'calpol-compile-'));
    expect((await runCli(['compile', '-', '--target', 'iptables', '-o', directory], { stdin: yaml })).code).toBe(0);
    for (const file of readdirSync(directory)) {
      const text = readFileSync(join(directory, file), 'utf8');
      expect(text).not.toContain('-A FORWARD -j ACCEPT');
      expect(text.split('\n').every((line) => !line.includes('"; drop'))).toBe(true);
    }
  });
});

describe('calpol diff', () => {
  it('reports flows whose verdict changes and the ruleset diff; exit 1 on change, 0 without', async () => {
    const same = await runCli(['diff', 'examples/k8s-isolation', '--', 'examples/k8s-isolation']);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('verdict changes');
    expect(same.stdout).toContain('ruleset (nft-text): unchanged');

    const directory = mkdtempSync(join(tmpdir(), 'calpol-diff-'));
    writeFileSync(join(directory, 'cluster.yaml'), readFileSync(join(repoRoot, 'examples/k8s-isolation/cluster.yaml')));
    writeFileSync(join(directory, 'policy.yaml'), readFileSync(join(repoRoot, 'examples/k8s-isolation/policy.yaml'), 'utf8').replace('port: 5432', 'port: 5433'));
    const changed = await runCli(['diff', 'examples/k8s-isolation', '--', directory]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/store\/api -> store\/db tcp\/5432 \(IPv4\): allow -> deny/);
    expect(changed.stdout).toMatch(/^[-+].*5433/m);
  });

  it('without -- it is a usage error', async () => {
    expect((await runCli(['diff', 'examples/k8s-isolation'])).code).toBe(2);
  });
});
