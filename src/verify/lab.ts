import { Agent } from './agent-client.js';
import { deleteNamespaces, listNamespaces, registerLiveLab, unregisterLiveLab, type LiveLab, type TeardownReport } from './cleanup.js';
import { commandExists, ip, runCommand, type CommandOptions, type CommandResult } from './command.js';
import { LabError, messageOf } from './errors.js';
import { ProbeRunner, type ProbeOptions, type ProbeRequest, type ProbeResult } from './probe.js';
import { createTopology, namespacesOf, type LabSpec, type LabTopology } from './topology.js';
import { wireLab } from './wiring.js';

/**
 * A running lab: the namespaces of a topology, wired like a Calico node, with one agent
 * per namespace for probes. Create it with `startLab` or, better, `withLab`, which
 * always tears it down.
 */
export interface Lab {
  readonly topology: LabTopology;
  probe(request: ProbeRequest, options?: ProbeOptions): Promise<ProbeResult>;
  probeAll(requests: readonly ProbeRequest[], options?: ProbeOptions): Promise<ProbeResult[]>;
  /** Close the echo servers probes started, freeing their ports (they start again on demand). */
  closeListeners(): Promise<void>;
  /** An endpoint's address in one family (undefined if it has none). */
  address(endpointName: string, family: 4 | 6): string | undefined;
  /** Run a command inside one of the lab's namespaces (`ip netns exec`), e.g. `nft -f -`. */
  exec(namespace: string, argv: readonly string[], options?: CommandOptions): Promise<CommandResult>;
  /** Stop the agents and delete every namespace the lab created. Safe to call twice. */
  teardown(): Promise<TeardownReport>;
  /**
   * Stop the agents but leave the namespaces in place (`calpol lab up`, `verify --keep`);
   * `labDown` removes them later. Afterwards `teardown` deletes nothing. Returns their names.
   */
  keep(): Promise<string[]>;
}

export type LabAvailability = { ok: true } | { ok: false; reason: string };

/** Whether this process can build labs: root and iproute2's `ip`. */
export function labAvailability(): LabAvailability {
  if (process.platform !== 'linux') return { ok: false, reason: 'network namespaces need Linux' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network namespaces need root (uid 0)' };
  if (!commandExists('ip')) return { ok: false, reason: '`ip` (Debian package iproute2) is not installed' };
  return { ok: true };
}

class RunningLab implements Lab {
  private readonly agents = new Map<string, Agent>();
  private readonly live: LiveLab;
  private readonly runner: ProbeRunner;
  private closing: Promise<TeardownReport> | undefined;

  constructor(readonly topology: LabTopology) {
    this.live = { prefix: topology.prefix, namespaces: [], killAgents: () => this.agents.forEach((a) => a.killNow()) };
    this.runner = new ProbeRunner(topology, (namespace) => this.agentIn(namespace));
  }

  /** Create namespaces (recording each), start agents, wire. Tears down on any failure. */
  async start(): Promise<void> {
    registerLiveLab(this.live);
    try {
      for (const namespace of namespacesOf(this.topology)) {
        await ip('netns', 'add', namespace);
        this.live.namespaces.push(namespace);
      }
      await this.startAgents();
      await wireLab(this.topology, (namespace) => this.agentIn(namespace));
    } catch (error) {
      const report = await this.teardown();
      const leftovers = report.failed.map((f) => `${f.namespace} (${f.message})`).join(', ');
      if (leftovers) throw new LabError('command-failed', `${messageOf(error)}; cleanup also failed for ${leftovers}`);
      throw error;
    }
  }

  /** Start every agent; all that started are recorded even if another fails. */
  private async startAgents(): Promise<void> {
    const outcomes = await Promise.allSettled(
      this.live.namespaces.map(async (namespace) => this.agents.set(namespace, await Agent.start(namespace))),
    );
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) throw failure.reason;
  }

  private agentIn(namespace: string): Agent {
    const agent = this.agents.get(namespace);
    if (!agent) throw new LabError('agent-failed', `no agent runs in ${namespace}`);
    return agent;
  }

  private assertOpen(): void {
    if (this.closing) throw new LabError('lab-closed', `lab ${this.topology.prefix} has been torn down`);
  }

  probe(request: ProbeRequest, options?: ProbeOptions): Promise<ProbeResult> {
    this.assertOpen();
    return this.runner.probe(request, options);
  }

  probeAll(requests: readonly ProbeRequest[], options?: ProbeOptions): Promise<ProbeResult[]> {
    this.assertOpen();
    return this.runner.probeAll(requests, options);
  }

  address(endpointName: string, family: 4 | 6): string | undefined {
    return this.runner.address(endpointName, family);
  }

  closeListeners(): Promise<void> {
    this.assertOpen();
    return this.runner.closeListeners();
  }

  exec(namespace: string, argv: readonly string[], options?: CommandOptions): Promise<CommandResult> {
    this.assertOpen();
    if (!this.live.namespaces.includes(namespace)) {
      return Promise.reject(new LabError('not-in-lab', `${namespace} is not a namespace of lab ${this.topology.prefix}`));
    }
    return runCommand(['ip', 'netns', 'exec', namespace, ...argv], options);
  }

  teardown(): Promise<TeardownReport> {
    this.closing ??= this.close();
    return this.closing;
  }

  async keep(): Promise<string[]> {
    this.closing ??= (async () => {
      await Promise.all([...this.agents.values()].map((agent) => agent.stop()));
      unregisterLiveLab(this.live);
      return { removed: [], failed: [] };
    })();
    await this.closing;
    return [...this.live.namespaces];
  }

  private async close(): Promise<TeardownReport> {
    await Promise.all([...this.agents.values()].map((agent) => agent.stop()));
    const report = await deleteNamespaces(this.live.namespaces);
    const remaining = new Set(await listNamespaces().catch(() => []));
    for (const namespace of report.removed) {
      if (remaining.has(namespace)) report.failed.push({ namespace, message: 'still listed after deletion' });
    }
    report.removed = report.removed.filter((namespace) => !remaining.has(namespace));
    unregisterLiveLab(this.live);
    return report;
  }
}

function assertAvailable(): void {
  const availability = labAvailability();
  if (!availability.ok) {
    const code = availability.reason.includes('root') ? 'not-root' : 'tool-missing';
    throw new LabError(code, `cannot build a lab: ${availability.reason}`);
  }
}

/** Build and wire a lab. The caller must call `teardown()`; prefer `withLab`. */
export async function startLab(topologyOrSpec: LabTopology | LabSpec): Promise<Lab> {
  assertAvailable();
  const topology = 'prefix' in topologyOrSpec ? topologyOrSpec : createTopology(topologyOrSpec);
  const lab = new RunningLab(topology);
  await lab.start();
  return lab;
}

/**
 * Run `fn` with a lab that is torn down afterwards, whether `fn` returns or throws
 * (and on SIGINT/SIGTERM meanwhile). A failed teardown is reported as a LabError
 * unless `fn` itself threw.
 */
export async function withLab<T>(topologyOrSpec: LabTopology | LabSpec, fn: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await startLab(topologyOrSpec);
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await fn(lab) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  const report = await lab.teardown();
  if (!outcome.ok) throw outcome.error;
  if (report.failed.length > 0) {
    const detail = report.failed.map((f) => `${f.namespace}: ${f.message}`).join('; ');
    throw new LabError('command-failed', `lab teardown left namespaces behind: ${detail}`);
  }
  return outcome.value;
}
