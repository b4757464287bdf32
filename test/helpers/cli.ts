import { resolve } from 'node:path';
import type { Io } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';

export const repoRoot = resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output (no real stdin unless given). */
export async function runCli(argv: string[], options: { stdin?: string | Uint8Array; env?: Record<string, string> } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    readStdin: async () =>
      typeof options.stdin === 'string' ? new TextEncoder().encode(options.stdin) : (options.stdin ?? new Uint8Array()),
    isTTY: false,
    env: options.env ?? {},
    cwd: repoRoot,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/**
 * YAML of `pods` pods, each in a namespace of its own whose Kubernetes policy allows its
 * pods `ports` (a flow-style list such as `[{port: 8080}]`): megabytes of ruleset, for the
 * tests of large outputs.
 */
export function bigCluster(pods: number, ports: string): string {
  // Endpoints with the same policies and profiles share their chains: only endpoints
  // that differ make a ruleset large.
  const documents: string[] = [];
  for (let i = 0; i < pods; i++) {
    const ip = `10.64.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    const namespace = `shop-${i}`;
    documents.push(
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${namespace}}`,
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web, namespace: ${namespace}}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n    - from: [{podSelector: {matchLabels: {app: web}}}]\n      ports: ${ports}`,
      `apiVersion: v1\nkind: Pod\nmetadata: {name: web-${i}, namespace: ${namespace}, labels: {app: web}}\nspec: {nodeName: node-${i % 4}, containers: [{name: web}]}\nstatus: {podIP: ${ip}}`,
    );
  }
  return `${documents.join('\n---\n')}\n`;
}
