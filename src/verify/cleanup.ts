import { ipSync, runChecked, runCommand } from './command.js';
import { LabError, messageOf } from './errors.js';
import { LAB_NAMESPACE_PATTERN } from './topology.js';

/**
 * Cleanup guarantees. A lab records each namespace it created, by exact name, the moment
 * `ip netns add` succeeds; teardown deletes exactly those (deleting a namespace deletes
 * its veths). While any lab is up, SIGINT/SIGTERM and process exit run a synchronous
 * teardown of every live lab; the handlers are removed when the last lab is down.
 * `labDown(prefix)` removes leftovers of crashed runs, matching calpol's own naming only.
 */

/** What a live lab registers so that signal and exit handlers can tear it down. */
export interface LiveLab {
  prefix: string;
  /** Exact names created, in creation order. */
  namespaces: string[];
  /** Kill the lab's agent processes at once. */
  killAgents(): void;
}

export interface TeardownReport {
  removed: string[];
  failed: Array<{ namespace: string; message: string }>;
}

const liveLabs = new Set<LiveLab>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function onSignal(signal: NodeJS.Signals): void {
  teardownAllNow();
  // Our handler kept the process alive; if nobody else handles the signal, die of it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function onExit(): void {
  teardownAllNow();
}

/** Register a lab; installs the handlers when it is the first one. */
export function registerLiveLab(lab: LiveLab): void {
  if (liveLabs.size === 0) {
    for (const signal of SIGNALS) process.on(signal, onSignal);
    process.on('exit', onExit);
  }
  liveLabs.add(lab);
}

/** Unregister a lab; removes the handlers when it was the last one. */
export function unregisterLiveLab(lab: LiveLab): void {
  if (!liveLabs.delete(lab)) return;
  if (liveLabs.size === 0) {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    process.removeListener('exit', onExit);
  }
}

/** Synchronous teardown of every live lab (signal and exit paths). */
function teardownAllNow(): void {
  for (const lab of [...liveLabs]) {
    lab.killAgents();
    for (const namespace of [...lab.namespaces].reverse()) ipSync('netns', 'del', namespace);
    unregisterLiveLab(lab);
  }
}

/** Delete exactly the given namespaces (newest first); failures are reported, not thrown. */
export async function deleteNamespaces(namespaces: readonly string[]): Promise<TeardownReport> {
  const report: TeardownReport = { removed: [], failed: [] };
  for (const namespace of [...namespaces].reverse()) {
    const result = await runCommand(['ip', 'netns', 'del', namespace]).catch((error: unknown) => ({
      exitCode: -1,
      stdout: '',
      stderr: messageOf(error),
    }));
    if (result.exitCode === 0) report.removed.push(namespace);
    else report.failed.push({ namespace, message: result.stderr.trim() || `exit code ${result.exitCode}` });
  }
  return report;
}

/** Names of all named network namespaces (`ip netns list`, without the "(id: N)" suffix). */
export async function listNamespaces(): Promise<string[]> {
  const output = await runChecked(['ip', 'netns', 'list']);
  return output
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.length > 0);
}

export interface LabDownOptions {
  /** Also remove labs whose creating process still runs (normally skipped as in use). */
  force?: boolean;
}

export interface LabDownReport extends TeardownReport {
  /** Namespaces left alone because the process that made them still runs. */
  inUse: string[];
}

const PREFIX_PATTERN = /^calpol(-\d+(-[0-9a-f]+)?)?$/;

function processRuns(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Kill what still runs inside a leftover namespace (agents of a dead run). */
async function killProcessesIn(namespace: string): Promise<void> {
  const result = await runCommand(['ip', 'netns', 'pids', namespace]);
  for (const pid of result.stdout.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Remove leftover lab namespaces whose names start with `prefix` (`calpol` for every lab,
 * `calpol-<pid>` for one process's, `calpol-<pid>-<hex>` for one run). Only names of
 * calpol's exact lab form are touched; labs whose process still runs are skipped unless
 * `force` is set.
 */
export async function labDown(prefix: string, options: LabDownOptions = {}): Promise<LabDownReport> {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new LabError('invalid-topology', `lab prefix "${prefix}" must look like calpol, calpol-<pid> or calpol-<pid>-<hex>`);
  }
  const inUse: string[] = [];
  const doomed: string[] = [];
  for (const namespace of await listNamespaces()) {
    const match = LAB_NAMESPACE_PATTERN.exec(namespace);
    if (!match || !(namespace === prefix || namespace.startsWith(`${prefix}-`))) continue;
    if (!options.force && processRuns(Number(match[1]))) inUse.push(namespace);
    else doomed.push(namespace);
  }
  for (const namespace of doomed) await killProcessesIn(namespace);
  return { ...(await deleteNamespaces(doomed.sort())), inUse };
}
