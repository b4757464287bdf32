import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LabError } from './errors.js';
import type { AgentCommand, AgentResponse } from './agents/protocol.js';

/**
 * The lab's side of an agent: starts `ip netns exec <ns> node <agent>` and sends it
 * JSON-line requests. From dist/ the compiled agents/agent.js is run as a file; from
 * source (vitest) agents/agent.ts is transpiled once with TypeScript and passed to
 * `node -e`, so both layouts run the same program.
 */

const AGENT_START_TIMEOUT_MS = 5_000;
const AGENT_REQUEST_SLACK_MS = 5_000;

let agentArgumentsCache: string[] | undefined;

async function agentArguments(): Promise<string[]> {
  if (agentArgumentsCache) return agentArgumentsCache;
  const compiled = fileURLToPath(new URL('./agents/agent.js', import.meta.url));
  if (existsSync(compiled)) return (agentArgumentsCache = [compiled]);
  const source = fileURLToPath(new URL('./agents/agent.ts', import.meta.url));
  if (!existsSync(source)) throw new LabError('agent-failed', `lab agent not found next to ${compiled}`);
  const typescript = (await import('typescript')).default;
  const output = typescript.transpileModule(readFileSync(source, 'utf8'), {
    compilerOptions: { module: typescript.ModuleKind.ESNext, target: typescript.ScriptTarget.ES2022 },
  });
  return (agentArgumentsCache = ['--input-type=module', '-e', output.outputText]);
}

export class Agent {
  private nextId = 1;
  private readonly pending = new Map<number, (response: AgentResponse) => void>();
  private exited = false;
  private stderr = '';

  private constructor(
    readonly namespace: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {}

  /** Start an agent inside `namespace` and wait until it answers. */
  static async start(namespace: string): Promise<Agent> {
    const child = spawn('ip', ['netns', 'exec', namespace, process.execPath, ...(await agentArguments())], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const agent = new Agent(namespace, child);
    try {
      await agent.attach();
    } catch (error) {
      agent.killNow();
      throw error;
    }
    return agent;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private attach(): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (why: string) => reject(new LabError('agent-failed', `agent in ${this.namespace}: ${why}`));
      const timer = setTimeout(() => fail(`not ready after ${AGENT_START_TIMEOUT_MS} ms`), AGENT_START_TIMEOUT_MS);
      this.pending.set(0, () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-2_000)));
      this.child.on('error', (error) => fail(error.message));
      this.child.on('exit', () => this.onExit(() => fail(`exited: ${this.stderr.trim() || 'no message'}`)));
      this.child.stdin.on('error', () => undefined);
      createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line));
    });
  }

  private onLine(line: string): void {
    let response: AgentResponse;
    try {
      response = JSON.parse(line) as AgentResponse;
    } catch {
      return;
    }
    const waiter = this.pending.get(response.id);
    this.pending.delete(response.id);
    waiter?.(response);
  }

  private onExit(beforeReady: () => void): void {
    this.exited = true;
    if (this.pending.has(0)) beforeReady();
    const detail = `agent in ${this.namespace} exited${this.stderr.trim() ? `: ${this.stderr.trim()}` : ''}`;
    for (const [id, waiter] of this.pending) waiter({ id, ok: false, reason: 'error', detail });
    this.pending.clear();
  }

  /** Send one request; the answer is a value even when the agent died (ok: false, reason 'error'). */
  request(command: AgentCommand, timeoutMs = 0): Promise<AgentResponse> {
    const id = this.nextId++;
    if (this.exited) return Promise.resolve({ id, ok: false, reason: 'error', detail: `agent in ${this.namespace} is not running` });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ id, ok: false, reason: 'error', detail: `agent in ${this.namespace} did not answer` });
      }, timeoutMs + AGENT_REQUEST_SLACK_MS);
      this.pending.set(id, (response) => {
        clearTimeout(timer);
        resolve(response);
      });
      this.child.stdin.write(`${JSON.stringify({ ...command, id })}\n`);
    });
  }

  /** Ask the agent to exit, and kill it if it has not after `graceMs`. */
  async stop(graceMs = 500): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Synchronous kill, for signal and exit handlers. */
  killNow(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}
