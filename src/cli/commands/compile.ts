import { join } from 'node:path';
import type { Command } from 'commander';
import { iptablesChunks, lowerForIptables } from '../../emit/iptables/index.js';
import { emitNftCommands, nftJsonChunks, nftTextChunks } from '../../emit/nft/index.js';
import { buildProgram, type Program } from '../../ir/index.js';
import { formatText } from '../../lint/index.js';
import { policiesSelectingNothing, type TierPlan } from '../../tiers/index.js';
import { EXIT, UserError } from '../errors.js';
import { useColor, type Io } from '../io.js';
import { loadValidModel, modelOptionsFromFlags, planFromFlags, type PlanFlags } from '../model.js';
import { batched, writeFilesAtomically } from '../write.js';
import { oneOf } from './options.js';
import { addPlanOptions } from './plan-options.js';

export const TARGETS = ['nft', 'nft-text', 'iptables'] as const;
export type Target = (typeof TARGETS)[number];

interface CompileFlags extends PlanFlags {
  target: Target;
  node?: string;
  allNodes?: boolean;
  output?: string;
  endpointToHostAction: 'drop' | 'accept' | 'return';
  allowUnsupported?: boolean;
  interfacePrefix?: string[];
}

/** A file a target produces: its name relative to the output directory (none for single-file targets) and its text in chunks. */
export interface RenderedFile {
  name?: string;
  chunks: Iterable<string>;
}

/**
 * The files a target produces for a program. Every target streams: its chunks are
 * formatted as they are read, so a whole cluster's ruleset, larger than V8's longest
 * string (about 512 MiB), is written without ever being one string. The program is
 * checked (and for iptables lowered) before this returns.
 */
export function renderTargetChunks(program: Program, target: Target): RenderedFile[] {
  switch (target) {
    case 'nft':
      return [{ chunks: nftJsonChunks(emitNftCommands(program)) }];
    case 'nft-text':
      return [{ chunks: nftTextChunks(program) }];
    case 'iptables': {
      const files = iptablesChunks(lowerForIptables(program));
      return [
        { name: 'iptables.rules', chunks: files.iptables },
        { name: 'ip6tables.rules', chunks: files.ip6tables },
        { name: 'ipsets.restore', chunks: files.ipsets },
        { name: 'attach.sh', chunks: files.attach },
        { name: 'detach.sh', chunks: files.detach },
      ];
    }
  }
}

/**
 * V8 strings stop at about 512 MiB. compile never builds one, but diff compares whole
 * texts, and a ruleset with tens of thousands of local endpoints (every endpoint of a
 * large cluster) may not fit: a clear refusal, not an internal error.
 */
function refuseTooLong<T>(program: Program, target: Target, render: () => T): T {
  try {
    return render();
  } catch (error) {
    if (error instanceof RangeError && /string length/i.test(error.message)) {
      const rules = program.chains.reduce((sum, chain) => sum + chain.rules.length, 0);
      throw new UserError(`calpol: the ${target} ruleset has ${rules} rules, too large to compare as one text; use --node to take one node at a time`);
    }
    throw error;
  }
}

/** The files as whole strings, for commands that need the text itself (diff). */
export function renderTarget(program: Program, target: Target): { name?: string; text: string }[] {
  return refuseTooLong(program, target, () =>
    renderTargetChunks(program, target).map((file) => ({ ...(file.name ? { name: file.name } : {}), text: Array.from(file.chunks).join('') })),
  );
}

/** Loads, plans and builds the program a compile-like command works on (exit 2 on any input or build error). */
export async function compileProgram(paths: readonly string[], flags: CompileFlags, io: Io): Promise<Program> {
  const model = await loadValidModel(paths, io, modelOptionsFromFlags(flags));
  const plan = planFromFlags(model, flags);
  const program = buildForNode(plan, flags.node, flags, io);
  if (flags.node !== undefined && !model.inventory.endpoints.some((e) => e.node === flags.node)) {
    io.stderr(`calpol: warning: no endpoint is on node ${flags.node}: the ruleset has no endpoint chains\n`);
  }
  noticeUnselected(plan, io);
  return program;
}

function buildForNode(plan: TierPlan, node: string | undefined, flags: CompileFlags, io: Io): Program {
  const built = buildProgram(plan, {
    ...(node !== undefined ? { node } : {}),
    endpointToHostAction: flags.endpointToHostAction,
    ...(flags.interfacePrefix ? { workloadInterfacePrefixes: flags.interfacePrefix } : {}),
  });
  if (built.diagnostics.some((d) => d.severity === 'error')) {
    const where = node === undefined ? '' : ` (node ${node})`;
    throw new UserError(formatText(built.diagnostics, { color: useColor(io) }).trimEnd() + `\ncalpol: nothing was compiled${where}`);
  }
  return built.program;
}

/** A node name is a DNS subdomain (validated), so it is a safe directory name; say so rather than trust it. */
function nodeDirectory(node: string): string {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(node) || node.includes('..')) throw new Error(`bug: node name ${JSON.stringify(node)} is not a safe directory name`);
  return node;
}

/**
 * `--all-nodes -o DIR`: the ruleset of every node the inputs name (pods' nodeName, workload
 * and host endpoints' node), each in DIR/<node>/. The plan is made once; every ruleset is
 * built before anything is written, and all files are written whole or not at all.
 */
async function compileAllNodes(paths: readonly string[], flags: CompileFlags, output: string, io: Io): Promise<void> {
  const model = await loadValidModel(paths, io, modelOptionsFromFlags(flags));
  const nodes = [...new Set(model.inventory.endpoints.flatMap((endpoint) => (endpoint.node === undefined ? [] : [endpoint.node])))].sort();
  if (nodes.length === 0) throw new UserError('calpol: --all-nodes: no endpoint of the inputs names its node (spec.nodeName of Pods, spec.node of endpoints)');
  const plan = planFromFlags(model, flags);
  const files = nodes.flatMap((node) =>
    renderTargetChunks(buildForNode(plan, node, flags, io), flags.target).map((file) => ({
      path: join(output, nodeDirectory(node), file.name ?? (flags.target === 'nft' ? 'ruleset.json' : 'ruleset.nft')),
      chunks: file.chunks,
    })),
  );
  noticeUnselected(plan, io);
  await writeFilesAtomically(files);
  io.stderr(`calpol: compiled ${nodes.length} node${nodes.length === 1 ? '' : 's'} into ${output}: ${nodes.join(', ')}\n`);
}

/**
 * A policy file compiled alone selects no endpoint, so the ruleset holds none of its
 * rules: say so, rather than hand over a ruleset that silently enforces nothing of it.
 */
function noticeUnselected(plan: TierPlan, io: Io): void {
  const unselected = policiesSelectingNothing(plan);
  if (unselected.length === 0) return;
  const total = plan.policySet.policies.filter((policy) => !policy.staged).length;
  const names = unselected.slice(0, 5).map((policy) => policy.key).join(', ') + (unselected.length > 5 ? `, and ${unselected.length - 5} more` : '');
  const what =
    plan.inventory.endpoints.length === 0
      ? 'the inputs hold no endpoint, so the ruleset holds no rule of any policy'
      : `${unselected.length} of ${total} policies select no endpoint of the inputs, so the ruleset holds none of their rules`;
  io.stderr(
    `calpol: note: ${what} (${names}); ` +
      'give calpol the endpoints too (Pods, WorkloadEndpoints, HostEndpoints: kubectl get pods -A -o yaml)\n',
  );
}

export function addCompileOptions(command: Command): Command {
  return addPlanOptions(
    command
      .option('--node <name>', 'compile for this node: its endpoints get chains, the others appear only in sets (default: every endpoint is local)')
      .option('--all-nodes', 'compile every node the inputs name, each into DIR/<node>/ (needs -o DIR)')
      .option('--interface-prefix <prefix...>', 'host-side workload interface prefixes (default: cali)'),
  );
}

export function registerCompile(program: Command, io: Io, setExit: (code: number) => void): void {
  const command = program
    .command('compile')
    .description('Compile policies into a deterministic ruleset: nftables JSON or text, or iptables-restore scripts with ipsets.')
    .argument('<paths...>', 'policy and inventory files or directories, or - for stdin')
    .requiredOption('-t, --target <target>', `${TARGETS.join(', ')}`, oneOf(TARGETS))
    .option('-o, --output <path>', 'write to this file (nft, nft-text) or directory (iptables) instead of stdout');
  addCompileOptions(command)
    .addHelpText('after', '\nExit codes: 0 compiled, 2 usage or input error (nothing written).')
    .action(async (paths: string[], flags: CompileFlags) => {
      if (flags.allNodes) {
        if (flags.node !== undefined) throw new UserError('calpol: --all-nodes and --node exclude each other');
        if (flags.output === undefined) throw new UserError('calpol: --all-nodes writes a directory per node: give -o DIR');
        await compileAllNodes(paths, flags, flags.output, io);
        setExit(EXIT.ok);
        return;
      }
      if (flags.target === 'iptables' && flags.output === undefined) {
        throw new UserError('calpol: --target iptables writes three files: give -o DIR');
      }
      const files = renderTargetChunks(await compileProgram(paths, flags, io), flags.target);
      if (flags.output === undefined) {
        // Checked before the first chunk: what can still fail halfway is a calpol bug (exit 70).
        for (const file of files) for (const batch of batched(file.chunks)) io.stdout(batch);
      } else {
        const output = flags.output;
        await writeFilesAtomically(files.map((file) => ({ path: file.name ? join(output, file.name) : output, chunks: file.chunks })));
      }
      setExit(EXIT.ok);
    });
}
