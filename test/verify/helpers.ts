import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeFlows, setUpNode, type NodeSetup } from '../../src/cli/commands/verify.js';
import type { Io } from '../../src/cli/io.js';
import type { ResolvedFlow } from '../../src/eval/index.js';
import { EndpointDirectory, parseFlows, resolveFlow } from '../../src/explain/index.js';
import type { Program } from '../../src/ir/index.js';
import type { VerifyRequest } from '../../src/verify/index.js';
import { repoRoot } from '../helpers/cli.js';

const quietIo: Io = {
  stdout: () => undefined,
  stderr: () => undefined,
  readStdin: async () => new Uint8Array(),
  isTTY: false,
  env: {},
  cwd: repoRoot,
};

export interface ExampleSetup {
  /** What `calpol verify` builds for the example (model, plan, node, program). */
  cli: NodeSetup;
  program: Program;
  /** Default flows of the node, then the example's own test flows (when it has a test.flows.yaml). */
  request: VerifyRequest;
}

function exampleTestFlows(dir: string, setup: NodeSetup): ResolvedFlow[] {
  const file = join(dir, 'test.flows.yaml');
  if (!existsSync(file)) return [];
  const parsed = parseFlows(file, readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error(`${file}: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const directory = new EndpointDirectory(setup.model.inventory);
  return parsed.flows.map((spec) => {
    const resolved = resolveFlow(spec, directory);
    if (!resolved.ok) throw new Error(`${file}: ${resolved.errors.map((e) => e.message).join('; ')}`);
    return resolved.flow;
  });
}

/** An example set up as `calpol verify examples/<name> --node <node>` does, with its test flows added. */
export async function setUpExample(name: string, node: string | undefined): Promise<ExampleSetup> {
  const dir = join(repoRoot, 'examples', name);
  const flags = { endpointToHostAction: 'drop' as const, ...(node === undefined ? {} : { node }) };
  const cli = await setUpNode([dir], flags, quietIo);
  const flows = [...nodeFlows(cli, 1_000).flows, ...exampleTestFlows(dir, cli)];
  const request: VerifyRequest = { plan: cli.plan, inventory: cli.model.inventory, node: cli.nodePlan, flows, endpointToHostAction: 'drop' };
  return { cli, program: cli.program, request };
}
