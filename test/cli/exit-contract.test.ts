import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

/**
 * The exit contract (README, "Commands"): input with an error makes every command that
 * produces output exit 2 with the error on stderr and nothing written (no stdout, no file),
 * while lint exits 1 listing it (2 when the input cannot be read at all). Valid input makes
 * none of them print an error. Checked on examples with one error of each input
 * diagnostic code injected into a random file of a random layout.
 */

const seed = Number(process.env.CALPOL_SEED ?? 20_261_207);
const scratch = mkdtempSync(join(tmpdir(), 'calpol-contract-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Valid examples, with a flow between two of their endpoints. */
const BASES: { example: string; flow: string[] }[] = [
  { example: 'allow-tcp-6379', flow: ['--src', 'production/frontend-7d9f', '--dst', 'production/redis-0', '--proto', 'tcp', '--dport', '6379'] },
  { example: 'tiers-with-pass', flow: ['--src', 'shop/frontend', '--dst', 'shop/api', '--proto', 'tcp', '--dport', '8080'] },
  { example: 'k8s-isolation', flow: ['--src', 'store/api', '--dst', 'store/db', '--proto', 'tcp', '--dport', '5432'] },
];

const GNP = (spec: string, name = 'injected') => `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: ${name}\nspec:\n${spec}`;

/** One document (or text) per input diagnostic code, and whether lint calls it unreadable (exit 2). */
const INJECTIONS: { code: string; text: string | Uint8Array; unreadable?: boolean }[] = [
  { code: 'yaml-syntax', text: 'apiVersion: [projectcalico.org/v3\n', unreadable: true },
  { code: 'unreadable-input', text: new Uint8Array([0xff, 0xfe, 0x00, 0x01, 0x02]), unreadable: true },
  { code: 'unknown-kind', text: GNP('  selector: all()\n').replace('projectcalico.org/v3', 'projectcalico.org/v2') },
  { code: 'unknown-field', text: GNP('  selector: all()\n  colour: red\n') },
  { code: 'missing-field', text: 'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nspec:\n  selector: all()\n' },
  { code: 'invalid-type', text: GNP('  order: [1]\n') },
  { code: 'invalid-value', text: GNP('  ingress:\n    - action: Allow\n      protocol: TCP\n      destination:\n        ports: [0]\n') },
  { code: 'invalid-selector', text: GNP("  selector: app == 'web' &&\n") },
  { code: 'unsupported-field', text: GNP('  ingress:\n    - action: Allow\n      protocol: TCP\n      http:\n        methods: [GET]\n') },
  { code: 'duplicate-resource', text: `${GNP('  order: 1\n', 'twice')}---\n${GNP('  order: 2\n', 'twice')}` },
  { code: 'missing-tier', text: GNP('  tier: nowhere\n  selector: all()\n', 'nowhere.injected') },
];

function documentsOf(example: string): string[] {
  const directory = join(repoRoot, 'examples', example);
  return readdirSync(directory)
    .filter((name) => name.endsWith('.yaml') && !name.endsWith('.flows.yaml'))
    .sort()
    .map((name) => readFileSync(join(directory, name), 'utf8'));
}

/** The example's files in `files` files (documents kept whole), the injection in one of them. */
function writeInput(example: string, files: number, into: number, injection: string | Uint8Array | undefined, directory: string): string[] {
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  const texts: string[] = Array.from({ length: files }, () => '');
  documentsOf(example).forEach((text, index) => (texts[index % files] += `${text.trimEnd()}\n---\n`));
  const paths = texts.map((text, index) => {
    const path = join(directory, `part-${index}.yaml`);
    writeFileSync(path, index === into % files && typeof injection === 'string' ? `${text}${injection}` : text);
    return path;
  });
  if (injection instanceof Uint8Array) {
    const path = join(directory, 'binary.yaml');
    writeFileSync(path, injection);
    paths.push(path);
  }
  return paths;
}

/** The commands that produce output, each with the places it would write to. */
function producingCommands(paths: string[], flow: string[], flows: string, out: string, valid: string[]): { argv: string[]; writes: string[] }[] {
  return [
    { argv: ['compile', ...paths, '--target', 'nft', '-o', join(out, 'ruleset.json')], writes: [join(out, 'ruleset.json')] },
    { argv: ['compile', ...paths, '--target', 'iptables', '-o', join(out, 'iptables')], writes: [join(out, 'iptables')] },
    { argv: ['compile', ...paths, '--target', 'nft-text', '--all-nodes', '-o', join(out, 'nodes')], writes: [join(out, 'nodes')] },
    { argv: ['explain', ...paths, ...flow], writes: [] },
    { argv: ['explain', ...paths, ...flow, '--via', 'nft'], writes: [] },
    { argv: ['test', ...paths, '--expect', flows], writes: [] },
    { argv: ['matrix', ...paths, '-o', join(out, 'matrix.html'), '--format', 'html'], writes: [join(out, 'matrix.html')] },
    { argv: ['diff', ...valid, '--', ...paths], writes: [] },
    { argv: ['verify', ...paths, '--target', 'nft'], writes: [] },
  ];
}

describe('the exit contract', () => {
  it(`an input error: every producing command exits 2 and writes nothing; lint exits 1 and lists it (seed ${seed})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...BASES),
        fc.constantFrom(...INJECTIONS),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(),
        async (base, injection, files, into) => {
          const paths = writeInput(base.example, files, into, injection.text, join(scratch, 'input'));
          const valid = writeInput(base.example, 1, 0, undefined, join(scratch, 'valid'));
          const out = join(scratch, 'out');
          rmSync(out, { recursive: true, force: true });
          mkdirSync(out);
          const lint = await runCli(['lint', ...paths, '--format', 'json']);
          expect(lint.code, injection.code).toBe(injection.unreadable ? 2 : 1);
          const codes = (JSON.parse(lint.stdout) as { diagnostics: { code: string; severity: string }[] }).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
          expect(codes).toContain(injection.code);
          const flows = join(repoRoot, 'examples', base.example, 'test.flows.yaml');
          for (const { argv, writes } of producingCommands(paths, base.flow, flows, out, valid)) {
            const result = await runCli(argv);
            expect(result.code, `${argv[0]} with ${injection.code}: ${result.stderr}`).toBe(2);
            expect(result.stdout, `${argv[0]} with ${injection.code}`).toBe('');
            expect(result.stderr).toMatch(/error /);
            for (const path of writes) expect(existsSync(path), `${argv.join(' ')} wrote ${path}`).toBe(false);
          }
        },
      ),
      { seed, numRuns: 30 },
    );
  });

  it('valid input: no command prints an error', async () => {
    for (const base of BASES) {
      const paths = writeInput(base.example, 2, 0, undefined, join(scratch, 'input'));
      const out = join(scratch, 'out');
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out);
      expect(await runCli(['lint', ...paths])).toMatchObject({ code: 0 });
      const flows = join(repoRoot, 'examples', base.example, 'test.flows.yaml');
      // verify needs root and a kernel: test/verify covers it; diff of a file with itself finds nothing.
      for (const { argv } of producingCommands(paths, base.flow, flows, out, paths).filter((c) => c.argv[0] !== 'verify')) {
        const result = await runCli(argv);
        expect([0, 1], `${argv.join(' ')}: ${result.stderr}`).toContain(result.code);
        expect(result.stderr, argv.join(' ')).not.toMatch(/\berror\b/);
      }
    }
  });
});
