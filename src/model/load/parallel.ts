import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { loadResources, type LoadResult, type LoadSource } from './load.js';
import { adoptTransferred, type TransferredFile } from './transfer.js';

/*
 * Loading on several cores. Reading and decoding YAML is most of the time a command spends
 * on a large cluster dump (tens of MB of pods), and each file is read independently. So
 * the files are shared between this thread and loader threads (parallel.ts's worker,
 * load-worker.ts), largest first, each to the thread with the least work so far; every
 * thread loads its files whole; the results are put back in the files' order. The result
 * is the one loadResources gives for the same sources (a test compares them), whatever the
 * split: threads only change who reads a file, never what it means or where it goes.
 */

/** Below this much input a thread costs more than it saves (starting one takes ~50 ms). */
const PARALLEL_MIN_BYTES = 8 << 20;
/** Work a loader thread is charged before its first file: its start, measured in bytes this thread reads in that time. */
const THREAD_START_BYTES = 3 << 20;
const MAX_LOADER_THREADS = 3;

export interface ParallelOptions {
  /** Loader threads besides this one (default: one fewer than the cores, at most 3; 0 loads here). */
  threads?: number;
  /** Bytes a loader thread is charged before its first file (default THREAD_START_BYTES; 0 gives every thread files, as tests want). */
  threadStartBytes?: number;
}

/** loadResources on several threads when the input is large enough to gain from it. */
export async function loadResourcesInParallel(sources: readonly LoadSource[], options: ParallelOptions = {}): Promise<LoadResult> {
  const threads = options.threads ?? Math.min(availableParallelism() - 1, MAX_LOADER_THREADS);
  const total = sources.reduce((sum, source) => sum + source.bytes.length, 0);
  if (threads <= 0 || sources.length < 2 || (options.threads === undefined && total < PARALLEL_MIN_BYTES)) return loadResources(sources);
  const shares = splitFiles(sources, threads, options.threadStartBytes);
  const pending = shares.slice(1).filter((share) => share.length > 0).map((share) => startLoader(share.map((i) => sources[i] as LoadSource)));
  // Settled from here on so that a failing loader never becomes an unhandled rejection while this thread reads.
  const settled = pending.map((p) => p.then((files) => ({ files }), (error: unknown) => ({ error })));
  const perFile: (LoadResult | undefined)[] = sources.map(() => undefined);
  for (const index of shares[0] ?? []) perFile[index] = loadResources([sources[index] as LoadSource]);
  const loaderShares = shares.slice(1).filter((share) => share.length > 0);
  const outcomes = await Promise.all(settled);
  outcomes.forEach((outcome, thread) => {
    if ('error' in outcome) throw outcome.error;
    const share = loaderShares[thread] as number[];
    outcome.files.forEach((file, k) => {
      const index = share[k] as number;
      perFile[index] = adoptTransferred(sources[index] as LoadSource, file);
    });
  });
  const result: LoadResult = { resources: [], diagnostics: [] };
  for (const part of perFile) {
    if (!part) throw new Error('parallel load: a file was loaded by no thread');
    for (const resource of part.resources) result.resources.push(resource);
    for (const diagnostic of part.diagnostics) result.diagnostics.push(diagnostic);
  }
  return result;
}

/**
 * Indices of the files each thread loads (0: this thread): largest first, to the thread
 * with the least bytes so far, loader threads charged their start. Ties go by index, so
 * the split depends only on the sizes.
 */
export function splitFiles(sources: readonly LoadSource[], threads: number, threadStartBytes = THREAD_START_BYTES): number[][] {
  const shares: number[][] = Array.from({ length: threads + 1 }, () => []);
  const load = shares.map((_, thread) => (thread === 0 ? 0 : threadStartBytes));
  const order = sources.map((_, index) => index).sort((a, b) => (sources[b] as LoadSource).bytes.length - (sources[a] as LoadSource).bytes.length || a - b);
  for (const index of order) {
    let best = 0;
    for (let thread = 1; thread < load.length; thread++) if ((load[thread] as number) < (load[best] as number)) best = thread;
    (shares[best] as number[]).push(index);
    load[best] = (load[best] as number) + (sources[index] as LoadSource).bytes.length;
  }
  for (const share of shares) share.sort((a, b) => a - b);
  return shares;
}

/*
 * The worker's compiled file. Under the test runner this module is TypeScript source, and a
 * worker cannot run that: it then runs the compiled copy in dist/ (the test script builds
 * first).
 */
function workerUrl(): URL {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith('.ts')) return new URL('../../../dist/src/model/load/load-worker.js', here);
  return new URL('./load-worker.js', here);
}

function startLoader(sources: LoadSource[]): Promise<TransferredFile[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl(), { workerData: { sources } });
    worker.once('message', (files: TransferredFile[]) => resolve(files));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`parallel load: a loader thread exited (${code}) without its result`)));
  });
}
