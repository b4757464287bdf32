import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { emitIptables, iptablesChunks, lowerForIptables } from '../../src/emit/iptables/index.js';
import { writeFileDurably } from '../../src/cli/write.js';
import { emitNft, emitNftCommands, formatNftJson, nftJsonChunks } from '../../src/emit/nft/index.js';
import { buildProgram, type BuildOptions, type Program } from '../../src/ir/index.js';
import type { Model } from '../../src/model/index.js';
import { buildTierPlan, type TierPlan } from '../../src/tiers/index.js';
import { consume, loadValid, note, planOf, type PreparedStep, type Step, type StepContext } from './types.js';

/** Rule, chain, set and map counts of a program (what the emitted ruleset holds). */
export function programCounts(program: Program): Record<string, number> {
  return {
    chains: program.chains.length,
    rules: program.chains.reduce((sum, chain) => sum + chain.rules.length, 0),
    sets: program.sets.length,
    set_elements: program.sets.reduce((sum, set) => sum + set.elements.length, 0),
    map_entries: program.maps.reduce((sum, map) => sum + map.entries.length, 0),
  };
}

export function compileProgram(plan: TierPlan, options: BuildOptions): Program {
  const built = buildProgram(plan, options);
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`buildProgram: ${errors.length} errors; first: ${errors[0]?.message}`);
  return built.program;
}

export const compileNft = (plan: TierPlan, options: BuildOptions): { program: Program; text: string } => {
  const program = compileProgram(plan, options);
  return { program, text: formatNftJson(emitNft(program)) };
};

export const compileIptables = (plan: TierPlan, options: BuildOptions) => {
  const program = compileProgram(plan, options);
  return { program, output: emitIptables(lowerForIptables(program)) };
};

/**
 * The plan a compile step uses, built in each timed run as `calpol compile` builds it after
 * loading. Selector membership is computed lazily (in buildProgram, so it counts in build_ms)
 * and cached in the plan: a plan made once in `prepare` would let every run after the first
 * skip it. For the whole cluster (no node: every endpoint local) the
 * host endpoints are left out: every node's is on `eth0`, and one program cannot have two
 * endpoints on one interface (buildProgram reports sharedInterface), so calpol cannot
 * compile them all into one ruleset. They are 1 in 250 endpoints.
 */
export function planFor(model: Model, scope: 'node' | 'cluster'): TierPlan {
  if (scope === 'node') return planOf(model);
  const endpoints = model.inventory.endpoints.filter((endpoint) => endpoint.kind !== 'host');
  return buildTierPlan(model.policySet, { ...model.inventory, endpoints });
}

/**
 * Writes the program's nft JSON the way `calpol compile --target nft -o FILE` does: lowered
 * and formatted command by command (nftJsonChunks), written in batches and flushed to the disk (writeFileDurably).
 * Returns the bytes written.
 */
function writeNftJson(program: Program, path: string): number {
  return writeFileDurably(path, nftJsonChunks(emitNftCommands(program)));
}

function nftStep(scope: 'node' | 'cluster'): Step {
  return {
    name: `compile-${scope}-nft`,
    description: `buildProgram (${scope === 'node' ? 'one node' : 'every endpoint local'}) + emitNftCommands + nftJsonChunks, written to a file as calpol compile -o does`,
    prepare(context: StepContext): PreparedStep {
      const model = loadValid(context.sources);
      const options = scope === 'node' ? { node: context.node } : {};
      // The output goes to disk like the CLI's (the page cache absorbs it); removed after each run.
      const output = join(tmpdir(), `calpol-bench-${process.pid}-${scope}.json`);
      const phases = { build_ms: [] as number[], emit_write_ms: [] as number[] };
      const local = localEndpoints(model, options);
      let last: { program: Program; bytes: number } | undefined;
      let counts: Record<string, number> = {};
      return {
        run() {
          const plan = planFor(model, scope);
          const start = performance.now();
          const program = compileProgram(plan, options);
          const built = performance.now();
          phases.build_ms.push(built - start);
          note('build_ms', built - start);
          const bytes = writeNftJson(program, output);
          phases.emit_write_ms.push(performance.now() - built);
          last = { program, bytes };
        },
        afterRun() {
          rmSync(output, { force: true });
          if (last) counts = { ...programCounts(last.program), bytes: last.bytes };
          last = undefined;
        },
        extras: () => ({ local_endpoints: local, ...counts, ...medians(phases) }),
      };
    },
  };
}

/** What the iptables step counts: lines starting with each prefix, in the files named. */
const IPTABLES_COUNTED = [
  { key: 'rules', prefix: '-A ', files: ['iptables', 'ip6tables'] },
  { key: 'sets', prefix: 'create ', files: ['ipsets'] },
  { key: 'set_elements', prefix: 'add ', files: ['ipsets'] },
] as const;

/** The files `calpol compile --target iptables -o DIR` writes, by their IptablesChunks key. */
const IPTABLES_FILES = ['iptables', 'ip6tables', 'ipsets', 'attach', 'detach'] as const;

/** Passes the chunks (one line each, as iptablesChunks makes them) on, counting the lines of each prefix. */
function* countingLines(chunks: Iterable<string>, prefixes: readonly { key: string; prefix: string }[], counts: Record<string, number>): Generator<string> {
  for (const chunk of chunks) {
    for (const { key, prefix } of prefixes) if (chunk.startsWith(prefix)) counts[key] = (counts[key] ?? 0) + 1;
    yield chunk;
  }
}

/**
 * Writes the files of a lowered program into the directory the way `calpol compile --target
 * iptables -o DIR` does (line by line, in batches) and counts rules, sets, set elements and
 * the bytes of the restore and ipset files while they stream.
 */
function writeIptables(lowered: Program, directory: string): Record<string, number> {
  const files = iptablesChunks(lowered);
  const counts: Record<string, number> = { rules: 0, sets: 0, set_elements: 0, bytes: 0 };
  for (const file of IPTABLES_FILES) {
    const prefixes = IPTABLES_COUNTED.filter((counted) => (counted.files as readonly string[]).includes(file));
    const bytes = writeFileDurably(join(directory, file), prefixes.length > 0 ? countingLines(files[file], prefixes, counts) : files[file]);
    if (file !== 'attach' && file !== 'detach') counts.bytes = (counts.bytes ?? 0) + bytes;
  }
  return counts;
}

/** buildProgram then lowerForIptables, timed; the IR program is not held once this returns. */
function buildAndLower(plan: TierPlan, options: BuildOptions, phases: { build_ms: number[]; lower_ms: number[] }): Program {
  const start = performance.now();
  const program = compileProgram(plan, options);
  const built = performance.now();
  phases.build_ms.push(built - start);
  note('build_ms', built - start);
  const lowered = lowerForIptables(program);
  phases.lower_ms.push(performance.now() - built);
  return lowered;
}

function iptablesStep(scope: 'node' | 'cluster'): Step {
  return {
    name: `compile-${scope}-iptables`,
    description: `buildProgram + lowerForIptables + iptablesChunks (${scope === 'node' ? 'one node' : 'every endpoint local'}), written to files as calpol compile -o does`,
    prepare(context: StepContext): PreparedStep {
      const model = loadValid(context.sources);
      const options = scope === 'node' ? { node: context.node } : {};
      // The files go to disk like the CLI's (the page cache absorbs them); removed after each run.
      const directory = join(tmpdir(), `calpol-bench-${process.pid}-${scope}-iptables`);
      const phases = { build_ms: [] as number[], lower_ms: [] as number[], emit_write_ms: [] as number[] };
      let counts: Record<string, number> = {};
      return {
        run() {
          mkdirSync(directory, { recursive: true });
          // Only the lowered program is kept while the files are written (as in the CLI): the IR program can go.
          const lowered = buildAndLower(planFor(model, scope), options, phases);
          const loweredAt = performance.now();
          counts = writeIptables(lowered, directory);
          phases.emit_write_ms.push(performance.now() - loweredAt);
        },
        afterRun() {
          rmSync(directory, { recursive: true, force: true });
        },
        extras: () => ({ ...counts, ...medians(phases) }),
      };
    },
  };
}

function localEndpoints(model: Model, options: BuildOptions): number {
  return model.inventory.endpoints.filter((e) => options.node === undefined || e.node === undefined || e.node === options.node).length;
}

/**
 * The I/O floor: what any tool reading these files and writing this output must do at
 * least — decode and parse the YAML (the `yaml` package's parseAllDocuments) and serialize
 * an output of the same size (the whole-cluster nft document as JSON, one command per line
 * as formatNftJson writes it). Two steps, so the parse does not run with the output
 * document alive in the heap.
 */
export const floorYamlStep: Step = {
  name: 'floor-yaml',
  description: 'I/O floor, input: TextDecoder + yaml parseAllDocuments of the same files',
  prepare(context: StepContext): PreparedStep {
    return {
      run() {
        for (const source of context.sources) consume(parseAllDocuments(new TextDecoder().decode(source.bytes)));
      },
    };
  },
};

export const floorSerializeStep: Step = {
  name: 'floor-serialize',
  requires: 'compile-cluster-nft',
  description: 'I/O floor, output: JSON.stringify of the whole-cluster nft document, one command at a time (as formatNftJson lays it out)',
  prepare(context: StepContext): PreparedStep {
    // Command by command, without joining: the floor is the serialization itself.
    const output = emitNft(compileProgram(planFor(loadValid(context.sources), 'cluster'), {}));
    let bytes = 0;
    return {
      run() {
        bytes = 0;
        for (const command of output.nftables) bytes += JSON.stringify(command).length + 2;
      },
      extras: () => ({ output_bytes: bytes }),
    };
  },
};

/** The median of each phase's times (null before any run). */
function medians(phases: Record<string, number[]>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(phases).map(([key, values]) => [key, values.length > 0 ? median(values) : null]));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export const compileSteps: Step[] = [nftStep('node'), nftStep('cluster'), iptablesStep('node'), iptablesStep('cluster')];
