import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Random } from '../../bench/generate/random.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { seedInputs, type SeedInput } from './inputs.js';
import { mutate } from './mutate.js';

/**
 * The fuzz campaign (CI runs it on every change): seeded mutations of every example and
 * of the real-world corpus go through every command that reads policy: lint, compile
 * (every target), explain (the model, --via nft, --via iptables), matrix, diff (before
 * against after), test, and selector test on one of the input's values.
 * No run may end in an internal error (exit 70) or take longer than RUN_SECONDS, and the
 * heap must stay under HEAP_BOUND. A failing input is written to test/fuzz/regressions/
 * (commit it: test/fuzz/regressions.test.ts replays it) and printed whole.
 *
 * CALPOL_SEED picks the seed, CALPOL_FUZZ_INPUTS the number of inputs.
 */

const seed = Number(process.env.CALPOL_SEED ?? 20_261_207);
const inputCount = Number(process.env.CALPOL_FUZZ_INPUTS ?? 600);
const RUN_SECONDS = 20;
const HEAP_BOUND = 1536 * 1024 * 1024;
const ALLOWED_EXITS = new Set([0, 1, 2]);

const scratch = mkdtempSync(join(tmpdir(), 'calpol-fuzz-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Failure {
  input: string;
  command: string;
  problem: string;
}

/**
 * The commands each input goes through: every one that reads policy. `diff` compares the
 * input before and after its mutation; `selector test` gets one of the input's scalars.
 */
function commandsFor(path: string, original: string, seedInput: SeedInput, flowsPath: string | undefined, output: string, scalar: string): string[][] {
  const commands = [
    ['lint', path, '--format', 'json'],
    ['compile', path, '--target', 'nft', '-o', join(output, 'ruleset.json')],
    ['compile', path, '--target', 'nft-text', '-o', join(output, 'ruleset.nft')],
    ['compile', path, '--target', 'iptables', '-o', join(output, 'iptables')],
    ['explain', path, ...seedInput.explain],
    ['explain', path, ...seedInput.explain, '--via', 'nft', '--format', 'json'],
    ['explain', path, ...seedInput.explain, '--via', 'iptables'],
    ['matrix', path, '--format', 'json'],
    ['diff', original, '--', path],
    ['selector', 'test', scalar, '--labels', 'app=web,role=db'],
  ];
  if (flowsPath) commands.push(['test', path, '--expect', flowsPath]);
  return commands;
}

/** A string scalar of the mutated text (for `selector test`), or a fixed selector. */
function someScalar(text: string, random: Random): string {
  const values = [...text.matchAll(/:\s+(["']?)([^\n"']+)\1\s*$/gm)].map((match) => match[2] as string);
  return values.length > 0 ? random.pick(values) : "app == 'web'";
}

/** Keeps a failing input where the regression test replays it, named by its content. */
function keep(text: string): string {
  const name = `fuzz-${createHash('sha256').update(text).digest('hex').slice(0, 12)}.yaml`;
  writeFileSync(join(repoRoot, 'test/fuzz/regressions', name), text);
  return name;
}

describe('fuzz campaign', () => {
  it(`mutated examples and corpus files through every command: no exit 70, no run over ${RUN_SECONDS} s (seed ${seed}; rerun with CALPOL_SEED=<seed>)`, async () => {
    const seeds = seedInputs();
    const random = new Random(seed);
    const failures: Failure[] = [];
    const exits = new Map<number, number>();
    let runs = 0;
    let slowest = 0;
    for (let i = 0; i < inputCount; i++) {
      const seedInput = seeds[i % seeds.length] as SeedInput;
      const mutated = mutate(seedInput.text, random);
      const directory = join(scratch, `input-${i}`);
      mkdirSync(directory, { recursive: true });
      const path = join(directory, 'input.yaml');
      writeFileSync(path, mutated.text);
      const original = join(directory, 'original.yaml');
      writeFileSync(original, seedInput.text);
      const flowsPath = seedInput.flows ? join(directory, 'flows.yaml') : undefined;
      if (flowsPath) writeFileSync(flowsPath, seedInput.flows as string);
      for (const command of commandsFor(path, original, seedInput, flowsPath, join(directory, 'out'), someScalar(mutated.text, random))) {
        const started = performance.now();
        const result = await runCli(command);
        const seconds = (performance.now() - started) / 1000;
        runs++;
        slowest = Math.max(slowest, seconds);
        exits.set(result.code, (exits.get(result.code) ?? 0) + 1);
        const label = `${command[0]} ${command.slice(2).join(' ')}`;
        const problem = !ALLOWED_EXITS.has(result.code) || result.stderr.includes('internal error')
          ? `exit ${result.code}: ${result.stderr.split('\n')[0]}`
          : seconds > RUN_SECONDS
            ? `took ${seconds.toFixed(1)} s`
            : process.memoryUsage().heapUsed > HEAP_BOUND
              ? `heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MB`
              : undefined;
        if (problem) failures.push({ input: `${seedInput.name} (${mutated.applied.join(', ')}) kept as ${keep(mutated.text)}`, command: label, problem });
      }
      rmSync(directory, { recursive: true, force: true });
    }
    const exitSummary = [...exits.entries()].sort(([a], [b]) => a - b).map(([code, count]) => `exit ${code}: ${count}`).join(', ');
    console.log(
      `fuzz: ${inputCount} inputs from ${seeds.length} seeds, ${runs} command runs (${exitSummary}), ` +
        `${failures.length} crashes or runs over a bound, slowest run ${slowest.toFixed(2)} s`,
    );
    expect(failures).toEqual([]);
    expect(readdirSync(scratch).length).toBe(0);
  }, 900_000);
});
