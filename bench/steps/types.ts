import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, type Model, type SourceFile } from '../../src/model/index.js';
import { buildTierPlan, type TierPlan } from '../../src/tiers/index.js';

/** What a measured step gets: the cluster's files (already read: disk I/O is not measured). */
export interface StepContext {
  dir: string;
  sources: SourceFile[];
  /** The node whose program "compile for one node" builds. */
  node: string;
  seed: number;
}

/** A step after its setup: `run` is timed, `extras` reports counts after the runs. */
export interface PreparedStep {
  run(): void;
  /** Called after each timed run, untimed: count what the run produced, then let it go. */
  afterRun?(): void;
  extras?(): Record<string, unknown>;
  /** Each run does this many units (queries): times are reported per unit. */
  divisor?: number;
}

export interface Step {
  name: string;
  /** One line for the table and the docs. */
  description: string;
  /** Needs root (network namespaces). */
  root?: boolean;
  /** The work happens in another process: this one's peak RSS says nothing about it. */
  spawns?: boolean;
  /** Skipped when this step failed at the same size (the setup would do the same failing work). */
  requires?: string;
  /** Setup (not timed); a string means the step is skipped, and why. */
  prepare(context: StepContext): PreparedStep | string;
}

/** The cluster's YAML files, in name order, as the CLI would read them. */
export function readSources(dir: string): SourceFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => ({ file: join(dir, name), bytes: readFileSync(join(dir, name)) }));
}

/** loadModel, refusing input with errors (a generated cluster has none). */
export function loadValid(sources: readonly SourceFile[]): Model {
  const model = loadModel(sources);
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (model.hasErrors || errors.length > 0) {
    const first = errors[0];
    throw new Error(`the generated cluster has ${errors.length} errors; first: ${first?.code} ${first?.message} at ${first?.span?.file}:${first?.span?.line}`);
  }
  return model;
}

export function planOf(model: Model): TierPlan {
  return buildTierPlan(model.policySet, model.inventory);
}

/**
 * Reports an intermediate figure on stderr as it is known (`{"note": key, "value": …}`), so
 * the runner still has it when the process dies later (out of memory, timeout).
 */
export function note(key: string, value: number): void {
  process.stderr.write(`${JSON.stringify({ note: key, value })}\n`);
}

/** Keeps a value alive so the work producing it cannot be optimised away. */
export let sink: unknown;
export function consume(value: unknown): void {
  sink = value;
}
