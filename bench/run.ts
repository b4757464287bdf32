import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildResult } from './child.js';
import { generateCluster, scaledSize, SIZES, writeCluster, type SizeName } from './generate.js';
import { checkBudgets } from './budgets.js';
import { cliNodeFlags } from './cli-flags.js';
import { measurePaired } from './paired.js';
import { buildReport, formatMs, formatTable, type BenchReport } from './report.js';
import { STEPS } from './steps/index.js';

/**
 * npm run bench -- --size S|M|L [--json] [--runs N] [--no-scaling] [--seed N]
 *                  [--steps a,b,...] [--save FILE] [--keep DIR] [--timeout SECONDS]
 * npm run bench -- --report FILE [--json]     (a saved report again, budgets re-checked)
 *
 * Generates the cluster (and, for the scaling ratios, one twice its size), then runs every
 * step in its own child process (bench/child.ts): setup, then N timed runs. Prints a table
 * (default) or one JSON object (--json); --save also writes the JSON to a file.
 */

interface Options {
  size: SizeName;
  json: boolean;
  runs: number;
  scaling: boolean;
  seed: number;
  steps: string[];
  save?: string;
  keep?: string;
  /** A step (setup and all its runs) taking longer is stopped and reported as failed. */
  timeoutSeconds: number;
}

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
const NODE = 'node-000';

function usage(message: string): never {
  console.error(`${message}\nusage: npm run bench -- --size S|M|L [--json] [--runs N] [--no-scaling] [--seed N] [--steps a,b] [--save FILE] [--keep DIR] [--timeout SECONDS]\n       npm run bench -- --report FILE [--json]`);
  process.exit(2);
}

function parseOptions(args: readonly string[]): Options {
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    if (at < 0) return undefined;
    const next = args[at + 1];
    if (next === undefined || next.startsWith('--')) usage(`${flag} needs a value`);
    return next;
  };
  const size = (value('--size') ?? 'S') as SizeName;
  if (!(size in SIZES)) usage(`unknown size ${size}`);
  const steps = value('--steps')?.split(',') ?? STEPS.map((step) => step.name);
  const unknown = steps.filter((name) => !STEPS.some((step) => step.name === name));
  if (unknown.length > 0) usage(`unknown steps: ${unknown.join(', ')}; steps: ${STEPS.map((s) => s.name).join(', ')}`);
  const options: Options = {
    size,
    json: args.includes('--json'),
    runs: Number(value('--runs') ?? 5),
    scaling: !args.includes('--no-scaling'),
    seed: Number(value('--seed') ?? 1),
    steps,
    timeoutSeconds: Number(value('--timeout') ?? 900),
  };
  const save = value('--save');
  const keep = value('--keep');
  if (save !== undefined) options.save = save;
  if (keep !== undefined) options.keep = keep;
  if (!Number.isInteger(options.runs) || options.runs < 1) usage('--runs must be a positive integer');
  return options;
}

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

function runChild(step: string, dir: string, options: Options): ChildResult {
  const child = spawnSync(process.execPath, [...cliNodeFlags(), '--expose-gc', CHILD, step, dir, NODE, String(options.runs), String(options.seed)], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeoutSeconds * 1000,
    killSignal: 'SIGKILL',
  });
  if (child.error && (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    const result = crashed(step, 'timed out', child.stderr ?? '');
    return { ...result, error: `timed out after ${options.timeoutSeconds} s (setup and ${options.runs} runs)` };
  }
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as ChildResult;
  } catch {
    return crashed(step, child.signal ? `killed by ${child.signal}` : `exited ${child.status}`, child.stderr);
  }
}

/** A child that died without a result: its fatal error line and the notes it wrote before. */
function crashed(step: string, why: string, stderr: string): ChildResult {
  const lines = stderr.trim().split('\n');
  const fatal = lines.find((l) => /FATAL ERROR|heap out of memory|RangeError|Error:/.test(l)) ?? lines.slice(-3).join(' | ');
  const extras: Record<string, unknown> = {};
  for (const l of lines) {
    if (!l.startsWith('{"note"')) continue;
    try {
      const { note, value } = JSON.parse(l) as { note: string; value: number };
      extras[note] = value;
    } catch {
      // not a note after all
    }
  }
  return { step, error: `${why}: ${fatal.trim().slice(0, 300)}`, times_ms: [], extras };
}

function generate(dir: string, options: Options, scale: number): string {
  const started = performance.now();
  const cluster = generateCluster(scaledSize(options.size, scale), options.seed);
  writeCluster(dir, cluster.files);
  const c = cluster.counts;
  progress(`generated ${options.size}×${scale}: ${c.policies} policies, ${c.pods} pods, ${c.nodes} nodes in ${dir} (${formatMs(performance.now() - started)})`);
  return dir;
}

/** Runs one step at one size, unless it cannot give a result there (`skip` says why). */
function measureStep(name: string, index: number, dir: string, label: string, options: Options, skip: string | undefined): ChildResult {
  const result: ChildResult = skip !== undefined ? { step: name, skipped: skip } : runChild(name, dir, options);
  const times = result.times_ms ?? [];
  const shown = result.error ? `FAILED ${result.error}` : result.skipped ? `skipped (${result.skipped})` : times.map((t) => formatMs(t)).join(', ');
  progress(`[${label} ${index + 1}/${options.steps.length}] ${name}: ${shown}`);
  return result;
}

/** The commit measured: CALPOL_BENCH_COMMIT when set (a build outside the checkout), else the checkout's HEAD. */
function commit(): string {
  const given = process.env.CALPOL_BENCH_COMMIT;
  if (given) return given;
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench/results'], { encoding: 'utf8' }).stdout.trim() !== '';
  return head === '' ? 'unknown' : `${head}${dirty ? ' (with uncommitted changes)' : ''}`;
}

const descriptions = () => Object.fromEntries(STEPS.map((step) => [step.name, step.description]));

function printSaved(file: string, json: boolean): void {
  const report = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
  report.budgets = checkBudgets(report);
  const order = STEPS.map((step) => step.name).filter((name) => name in report.details);
  process.stdout.write(json ? JSON.stringify(report, null, 2) + '\n' : formatTable(report, order, descriptions()));
}

function main(): void {
  const args = process.argv.slice(2);
  const saved = args.indexOf('--report');
  if (saved >= 0) return printSaved(args[saved + 1] ?? usage('--report needs a file'), args.includes('--json'));
  const options = parseOptions(args);
  const root = options.keep ?? mkdtempSync(join(tmpdir(), 'calpol-bench-'));
  const loadAtStart = loadavg()[0] as number;
  const measuredCommit = commit();
  try {
    const baseDir = generate(join(root, `${options.size}-x1`), options, 1);
    const doubledDir = options.scaling ? generate(join(root, `${options.size}-x2`), options, 2) : undefined;
    const requiresOf = (name: string) => STEPS.find((step) => step.name === name)?.requires;
    const { base, doubled } = measurePaired(options.steps, requiresOf, doubledDir !== undefined, (name, index, size, skip) =>
      size === 'base' ? measureStep(name, index, baseDir, options.size, options, skip) : measureStep(name, index, doubledDir as string, `${options.size}×2`, options, skip),
    );
    const meta: BenchReport['meta'] = {
      date: new Date().toISOString(),
      commit: measuredCommit,
      runs: options.runs,
      seed: options.seed,
      node: NODE,
      cpus: cpus().length,
      node_version: process.version,
      load_average: [loadAtStart, loadavg()[0] as number],
    };
    const report = buildReport(options.size, base, doubled, meta);
    const json = JSON.stringify(report, null, 2) + '\n';
    if (options.save) writeFileSync(options.save, json);
    process.stdout.write(options.json ? json : formatTable(report, options.steps, descriptions()));
  } finally {
    if (options.keep === undefined) rmSync(root, { recursive: true, force: true });
  }
}

main();
