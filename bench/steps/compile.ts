import { closeSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { emitIptables, lowerForIptables } from '../../src/emit/iptables/index.js';
import { writeChunksSync } from '../../src/cli/write.js';
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
 * The plan a compile step uses. For the whole cluster (no node: every endpoint local) the
 * host endpoints are left out: every node's is on `eth0`, and one program cannot have two
 * endpoints on one interface (buildProgram reports sharedInterface), so calpol cannot
 * compile them all into one ruleset. They are 1 in 250 endpoints.
 */
export function planFor(model: Model, scope: 'node' | 'cluster'): TierPlan {
  if (scope === 'node') return planOf(model);
  const endpoints = model.inventory.endpoints.filter((endpoint) => endpoint.kind !== 'host');
  return buildTierPlan(model.policySet, { ...model.inventory, endpoints });
}

const countLines = (text: string, prefix: string) => text.split('\n').filter((line) => line.startsWith(prefix)).length;

/**
 * Writes the program's nft JSON the way `calpol compile --target nft -o FILE` does: lowered
 * and formatted command by command (nftJsonChunks), written in batches (writeChunksSync).
 * Returns the bytes written.
 */
function writeNftJson(program: Program, path: string): number {
  const fd = openSync(path, 'w', 0o644);
  try {
    return writeChunksSync(fd, nftJsonChunks(emitNftCommands(program)));
  } finally {
    closeSync(fd);
  }
}

function nftStep(scope: 'node' | 'cluster'): Step {
  return {
    name: `compile-${scope}-nft`,
    description: `buildProgram (${scope === 'node' ? 'one node' : 'every endpoint local'}) + emitNftCommands + nftJsonChunks, written to a file as calpol compile -o does`,
    prepare(context: StepContext): PreparedStep {
      const plan = planFor(loadValid(context.sources), scope);
      const options = scope === 'node' ? { node: context.node } : {};
      // The output goes to disk like the CLI's (the page cache absorbs it); removed after each run.
      const output = join(tmpdir(), `calpol-bench-${process.pid}-${scope}.json`);
      const phases = { build_ms: [] as number[], emit_write_ms: [] as number[] };
      const local = localEndpoints(plan, options);
      let last: { program: Program; bytes: number } | undefined;
      let counts: Record<string, number> = {};
      return {
        run() {
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
        extras: () => ({
          local_endpoints: local,
          ...counts,
          ...Object.fromEntries(Object.entries(phases).map(([key, values]) => [key, values.length > 0 ? median(values) : null])) }),
      };
    },
  };
}

function iptablesStep(scope: 'node' | 'cluster'): Step {
  return {
    name: `compile-${scope}-iptables`,
    description: `buildProgram + lowerForIptables + emitIptables (${scope === 'node' ? 'one node' : 'every endpoint local'})`,
    prepare(context: StepContext): PreparedStep {
      const plan = planFor(loadValid(context.sources), scope);
      const options = scope === 'node' ? { node: context.node } : {};
      let last: ReturnType<typeof compileIptables>['output'] | undefined;
      let counts: Record<string, number> = {};
      return {
        run() {
          last = compileIptables(plan, options).output;
        },
        afterRun() {
          if (!last) return;
          counts = {
            rules: countLines(last.iptables, '-A ') + countLines(last.ip6tables, '-A '),
            sets: countLines(last.ipsets, 'create '),
            set_elements: countLines(last.ipsets, 'add '),
            bytes: last.iptables.length + last.ip6tables.length + last.ipsets.length,
          };
          last = undefined;
        },
        extras: () => counts,
      };
    },
  };
}

function localEndpoints(plan: TierPlan, options: BuildOptions): number {
  return plan.inventory.endpoints.filter((e) => options.node === undefined || e.node === undefined || e.node === options.node).length;
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

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export const compileSteps: Step[] = [nftStep('node'), nftStep('cluster'), iptablesStep('node'), iptablesStep('cluster')];
