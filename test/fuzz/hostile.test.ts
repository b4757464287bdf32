import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMap, isScalar, parseAllDocuments, visit, type Document, type Pair, type Scalar } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { Random } from '../../bench/generate/random.js';
import { kernelAvailability, tick, withNamespace as withIptablesNamespace } from '../emit/iptables/helpers.js';
import { nft, withNamespace as withNftNamespace } from '../emit/nft/helpers.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { HOSTILE_STRINGS } from './mutate.js';

/**
 * Hostile strings in user text must never change what a ruleset does or how it is built:
 *
 * - in annotations (of resources and of rules), which calpol reads but never writes, the
 *   output stays byte-identical;
 * - inside selector literals (`(S) || calpol-fuzz == "<hostile>"`, which selects what S
 *   selects: no endpoint has that label), and in the longest names the API allows, the
 *   ruleset keeps its structure: the same chains, sets and rules once the names, set
 *   names and comments derived from user text are masked;
 * - put into any other string field, the input is refused (exit 2) or compiled, never a crash.
 *
 * Every ruleset compiled from hostile text is loaded for real (root): `nft -j -c -f`, and
 * `ipset restore` then `iptables-restore --test` / `ip6tables-restore --test`.
 */

const BASES = ['tiers-with-pass', 'allow-tcp-6379', 'k8s-isolation', 'global-vs-namespaced', 'host-endpoint-all-allow', 'profile-dev-apps'];
const SELECTOR_KEYS = new Set(['selector', 'notSelector', 'namespaceSelector', 'serviceAccountSelector']);
const seed = Number(process.env.CALPOL_SEED ?? 20_261_207);
const LOADS = 60;
const scratch = mkdtempSync(join(tmpdir(), 'calpol-hostile-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const kernel = kernelAvailability();
if (!kernel.ok || !nft.ok) console.warn(`[calpol] SKIPPED the loads of hostile rulesets (test/fuzz/hostile.test.ts): ${kernel.ok ? (nft as { reason: string }).reason : kernel.reason}`);

function baseText(example: string): string {
  const directory = join(repoRoot, 'examples', example);
  return readdirSync(directory)
    .filter((name) => name.endsWith('.yaml') && !name.endsWith('.flows.yaml'))
    .sort()
    .map((name) => readFileSync(join(directory, name), 'utf8').trimEnd())
    .join('\n---\n');
}

interface Compiled {
  code: number;
  nft?: string;
  iptables?: Record<string, string>;
}

let counter = 0;
async function compileText(text: string): Promise<Compiled> {
  const directory = join(scratch, `run-${counter++}`);
  mkdirSync(directory);
  const input = join(directory, 'input.yaml');
  writeFileSync(input, text);
  const nftRun = await runCli(['compile', input, '--target', 'nft', '-o', join(directory, 'ruleset.json')]);
  if (nftRun.code !== 0) return { code: nftRun.code };
  const iptablesRun = await runCli(['compile', input, '--target', 'iptables', '-o', join(directory, 'iptables')]);
  expect(iptablesRun.code).toBe(0);
  const files = readdirSync(join(directory, 'iptables')).sort();
  const result = {
    code: 0,
    nft: readFileSync(join(directory, 'ruleset.json'), 'utf8'),
    iptables: Object.fromEntries(files.map((name) => [name, readFileSync(join(directory, 'iptables', name), 'utf8')])),
  };
  rmSync(directory, { recursive: true, force: true });
  return result;
}

/** Each nft command with every string value masked, sorted: what is built, not what it is called. */
function nftStructure(json: string): string[] {
  const mask = (value: unknown): unknown =>
    typeof value === 'string' ? '*' : Array.isArray(value) ? value.map(mask) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v)])) : value;
  return (JSON.parse(json) as { nftables: unknown[] }).nftables.map((command) => JSON.stringify(mask(command))).sort();
}

/** Each iptables/ipset line with quoted text and calpol's names masked, sorted. */
function iptablesStructure(files: Record<string, string>): string[] {
  return Object.entries(files)
    .filter(([name]) => name !== 'attach.sh' && name !== 'detach.sh')
    .flatMap(([name, text]) =>
      text.split('\n').map((line) => {
        // An ipset's origin comment is written bare (`# origin <set> <escaped origin id>`).
        const masked = line.startsWith('# origin ') ? '# origin *' : line;
        return `${name}: ${masked.replace(/"(?:[^"\\]|\\.)*"/g, '"*"').replace(/\b(cp|calpol|cali)[A-Za-z0-9_.+-]*/g, '*')}`;
      }),
    )
    .sort();
}

function documentsOf(text: string): Document[] {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) throw new Error('bug: no documents');
  return documents;
}

/** The text with every selector S made `(S) || calpol-fuzz == "<literal>"` (same endpoints). */
function withSelectorLiteral(text: string, literal: string): string | undefined {
  const quote = !literal.includes('"') ? '"' : !literal.includes("'") ? "'" : undefined;
  if (!quote) return undefined; // the selector language cannot write it
  const documents = documentsOf(text);
  for (const document of documents) {
    visit(document, {
      Pair(_key, pair: Pair) {
        if (!isScalar(pair.key) || !SELECTOR_KEYS.has(String(pair.key.value)) || !isScalar(pair.value)) return;
        const selector = String((pair.value as Scalar).value);
        if (selector.trim() === '' || selector.includes('global(')) return;
        (pair.value as Scalar).value = `(${selector}) || calpol-fuzz == ${quote}${literal}${quote}`;
      },
    });
  }
  return documents.map((document) => document.toString()).join('---\n');
}

/** The text with an annotation holding `value` on every resource and every rule. */
function withAnnotations(text: string, value: string): string {
  const documents = documentsOf(text);
  for (const document of documents) {
    visit(document, {
      Map(_key, map) {
        if (map.has('apiVersion') && map.has('kind') && isMap(map.get('metadata'))) map.setIn(['metadata', 'annotations', 'calpol.test/note'], value);
        if (map.has('action')) map.setIn(['metadata', 'annotations', 'calpol.test/note'], value);
      },
    });
  }
  return documents.map((document) => document.toString()).join('---\n');
}

/** Every policy and network set name as long as the API allows. */
function withLongNames(text: string): string {
  const documents = documentsOf(text);
  for (const document of documents) {
    const kind = String(document.get('kind'));
    const name = document.getIn(['metadata', 'name']);
    if (typeof name !== 'string' || !['GlobalNetworkPolicy', 'NetworkPolicy', 'GlobalNetworkSet', 'NetworkSet'].includes(kind)) continue;
    if (name.startsWith('default.') || document.getIn(['spec', 'tier'])) continue; // tier-prefixed names must keep their prefix
    // 253 bytes: policy names (without a tier prefix) are one DNS label of any length up to that.
    document.setIn(['metadata', 'name'], `${name}-${'x'.repeat(252 - name.length)}`);
  }
  return documents.map((document) => document.toString()).join('---\n');
}

const loaded: Compiled[] = [];

describe('hostile strings in user text', () => {
  for (const example of BASES) {
    it(`${example}: annotations change nothing; selector literals and long names keep the structure`, async () => {
      const text = baseText(example);
      const base = await compileText(text);
      expect(base.code).toBe(0);
      const structure = { nft: nftStructure(base.nft as string), iptables: iptablesStructure(base.iptables ?? {}) };
      let refused = 0;
      for (const hostile of HOSTILE_STRINGS) {
        expect(await compileText(withAnnotations(text, hostile)), `annotation ${JSON.stringify(hostile)}`).toEqual(base);
        const selectors = withSelectorLiteral(text, hostile);
        if (selectors === undefined) continue;
        const compiled = await compileText(selectors);
        if (compiled.code !== 0) {
          // Only text the selector language cannot hold may be refused (a quote of each kind, a NUL...).
          expect(compiled.code, `selector literal ${JSON.stringify(hostile)}`).toBe(2);
          refused++;
          continue;
        }
        expect({ nft: nftStructure(compiled.nft as string), iptables: iptablesStructure(compiled.iptables ?? {}) }, JSON.stringify(hostile)).toEqual(structure);
        loaded.push(compiled);
      }
      const long = await compileText(withLongNames(text));
      expect(long.code).toBe(0);
      expect({ nft: nftStructure(long.nft as string), iptables: iptablesStructure(long.iptables ?? {}) }).toEqual(structure);
      loaded.push(long);
      expect(refused).toBeLessThan(HOSTILE_STRINGS.length / 4);
    });
  }

  it('in any other string field: refused or compiled, never a crash (seeded)', async () => {
    const random = new Random(seed);
    const counts = { refused: 0, compiled: 0 };
    for (let i = 0; i < 120; i++) {
      const documents = documentsOf(baseText(random.pick(BASES)));
      const scalars: Scalar[] = [];
      for (const document of documents) visit(document, { Scalar: (_key, node) => void (typeof node.value === 'string' && scalars.push(node)) });
      const scalar = random.pick(scalars);
      scalar.value = random.pick(HOSTILE_STRINGS);
      const compiled = await compileText(documents.map((document) => document.toString()).join('---\n'));
      expect([0, 1, 2]).toContain(compiled.code);
      if (compiled.code === 0) {
        counts.compiled++;
        loaded.push(compiled);
      } else counts.refused++;
    }
    console.log(`hostile fields: ${counts.compiled} compiled, ${counts.refused} refused`);
  });

  it.skipIf(!kernel.ok || !nft.ok)('every ruleset built from hostile text loads: nft -j -c, ipset restore, iptables-restore --test', async () => {
    expect(loaded.length).toBeGreaterThan(100);
    // Many rulesets differ only in names: a seeded sample of LOADS of them is loaded (each
    // load spawns five processes in the namespace).
    const sample = new Random(seed).shuffle(loaded).slice(0, LOADS);
    withNftNamespace((namespace) => {
      for (const compiled of sample) expect(namespace.nft(['-j', '-c', '-f'], compiled.nft)).toMatchObject({ status: 0, stderr: '' });
    });
    await withIptablesNamespace(async (namespace) => {
      for (const compiled of sample) {
        await tick();
        const files = compiled.iptables as Record<string, string>;
        expect(namespace.exec(['ipset', 'restore'], files['ipsets.restore'])).toMatchObject({ status: 0 });
        expect(namespace.exec(['iptables-restore', '--test', '--noflush'], files['iptables.rules'])).toMatchObject({ status: 0, stderr: '' });
        expect(namespace.exec(['ip6tables-restore', '--test', '--noflush'], files['ip6tables.rules'])).toMatchObject({ status: 0, stderr: '' });
        expect(namespace.exec(['ipset', 'destroy'])).toMatchObject({ status: 0 });
      }
    });
    console.log(`hostile rulesets loaded: ${sample.length} of ${loaded.length} (nft and iptables)`);
  }, 300_000);
});
