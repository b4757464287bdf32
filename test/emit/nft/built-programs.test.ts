import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeNft, emitNft, formatNftJson, formatNftText, originLookupFor } from '../../../src/emit/nft/index.js';
import { buildProgram, type Program } from '../../../src/ir/index.js';
import { loadModel, normalize } from '../../../src/model/index.js';
import { buildTierPlan, parseFailsafePorts } from '../../../src/tiers/index.js';
import { clusterArb, clusterResources } from '../../matrix/generate.js';
import { nft, schemaValidator, withNamespace } from './helpers.js';

/**
 * The backend on programs the IR builder makes: every bundled example (loadModel →
 * buildTierPlan → buildProgram) and seeded generated clusters. Each must round-trip,
 * validate against the schema, be byte-for-byte deterministic, and load into real nft.
 */

const root = join(import.meta.dirname, '..', '..', '..');
const examplesDir = join(root, 'examples');
const validate = schemaValidator();

function exampleProgram(name: string): Program {
  const directory = join(examplesDir, name);
  const files = readdirSync(directory)
    .filter((file) => /\.ya?ml$/.test(file) && !file.includes('.flows.'))
    .sort()
    .map((file) => ({ file: join('examples', name, file), bytes: readFileSync(join(directory, file)) }));
  const model = loadModel(files);
  return buildProgram(buildTierPlan(model.policySet, model.inventory)).program;
}

function failsafePorts(text: string) {
  const parsed = parseFailsafePorts(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.ports;
}

function generatedPrograms(count: number): Program[] {
  const shapes = fc.sample(clusterArb, { seed: 20260811, numRuns: count });
  return shapes.map((shape) => {
    const normalized = normalize(clusterResources(shape));
    const failsafe = { inbound: failsafePorts('tcp:22,tcp:10.0.0.0/24:5432'), outbound: failsafePorts('udp:53,tcp:fd00::/64:8080') };
    return buildProgram(buildTierPlan(normalized.policySet, normalized.inventory, { failsafe })).program;
  });
}

const examples = readdirSync(examplesDir).filter((name) => statSync(join(examplesDir, name)).isDirectory()).sort();
const PROGRAMS: [string, () => Program][] = [
  ...examples.map((name): [string, () => Program] => [`example ${name}`, () => exampleProgram(name)]),
  ...generatedPrograms(12).map((program, i): [string, () => Program] => [`generated cluster ${i}`, () => program]),
];

function checkOffline(program: Program): string {
  const document = emitNft(program);
  const json = formatNftJson(document);
  expect(decodeNft(JSON.parse(json), originLookupFor(program))).toEqual(program);
  const result = validate(document);
  expect(result.errors).toEqual([]);
  expect(formatNftJson(emitNft(structuredClone(program)))).toBe(json);
  return json;
}

describe('programs built from policies', () => {
  it('include every example and exercise sets, maps and several hook tables', () => {
    expect(examples.length).toBeGreaterThan(0);
    const programs = PROGRAMS.map(([, make]) => make());
    expect(programs.some((p) => p.sets.length > 0)).toBe(true);
    expect(programs.some((p) => p.maps.length > 0)).toBe(true);
    const tables = new Set(programs.flatMap((p) => p.hooks.map((h) => h.table)));
    for (const table of ['filter', 'raw', 'nat'] as const) expect(tables).toContain(table);
  });

  it.each(PROGRAMS)('%s: round-trips, validates and is deterministic', (_name, make) => {
    const program = make();
    checkOffline(program);
    expect(formatNftText(program)).toBe(formatNftText(structuredClone(program)));
  });

  if (!nft.ok) console.warn(`[calpol] SKIPPED nft kernel loads of built programs (test/emit/nft/built-programs.test.ts): ${nft.reason}`);
  it.skipIf(!nft.ok).each(PROGRAMS)('%s: real nft checks and loads the JSON and the text form', (_name, make) => {
    const program = make();
    const json = checkOffline(program);
    const text = formatNftText(program);
    withNamespace((namespace) => {
      expect(namespace.nft(['-j', '-c', '-f'], json)).toMatchObject({ status: 0, stderr: '' });
      expect(namespace.nft(['-j', '-f'], json)).toMatchObject({ status: 0, stderr: '' });
      expect(namespace.nft(['-c', '-f'], text)).toMatchObject({ status: 0, stderr: '' });
      expect(namespace.nft(['-f'], text)).toMatchObject({ status: 0, stderr: '' });
      const listed = JSON.parse(namespace.nft(['-j', 'list', 'table', 'inet', 'calpol']).stdout) as { nftables: Record<string, { hook?: string }>[] };
      const baseChains = listed.nftables.filter((item) => item.chain?.hook !== undefined).length;
      expect(baseChains).toBe(program.hooks.length);
    });
  });
});
