import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commentForOrigin as iptablesComment, decodeIptables, emitIptables, lowerForIptables } from '../emit/iptables/index.js';
import { decodeNft, emitNft, formatNftJson, originLookupFor } from '../emit/nft/index.js';
import type { Origin, Program } from '../ir/index.js';
import { commandExists } from './command.js';
import { LabError } from './errors.js';
import type { Lab } from './lab.js';

/**
 * The rulesets verify loads into the lab's node: nftables JSON (`nft -j -f`), and the
 * iptables-restore output with its ipsets through iptables-nft or iptables-legacy. Each
 * target keeps the exact text it loads and that text decoded back to a program, which
 * the in-process evaluator runs: what the kernel gets and what is evaluated are the same
 * bytes.
 */

export const VERIFY_TARGETS = ['nft', 'iptables', 'iptables-legacy'] as const;
export type VerifyTarget = (typeof VERIFY_TARGETS)[number];

interface LoadStep {
  argv: string[];
  /** A failure means the target cannot work here (tools or kernel), not that the ruleset is wrong. */
  probesSupport?: boolean;
}

export interface EmittedRuleset {
  target: VerifyTarget;
  /** File name → content, written to a private temporary directory before loading. */
  files: Record<string, string>;
  /** Commands run in the node's namespace, in order, given each file's path. */
  steps(paths: Record<string, string>): LoadStep[];
  /** The emitted text decoded back to a program: what the in-process evaluator runs. */
  decoded: Program;
}

/** iptables-nft or iptables-legacy command names. */
function iptablesTools(target: VerifyTarget): { ipt4: string; ipt6: string } {
  const variant = target === 'iptables-legacy' ? 'legacy' : 'nft';
  return { ipt4: `iptables-${variant}`, ipt6: `ip6tables-${variant}` };
}

/** Commands a target needs on PATH. */
export function toolsFor(target: VerifyTarget): string[] {
  if (target === 'nft') return ['nft'];
  const { ipt4, ipt6 } = iptablesTools(target);
  return ['ipset', ipt4, ipt6, `${ipt4}-restore`, `${ipt6}-restore`];
}

/** Why a target cannot run here (a missing command), or undefined. Kernel support is checked at load time. */
export function targetUnavailable(target: VerifyTarget): string | undefined {
  const missing = toolsFor(target).filter((tool) => !commandExists(tool));
  if (missing.length === 0) return undefined;
  const pkg = target === 'nft' ? 'nftables' : missing.includes('ipset') ? 'iptables and ipset' : 'iptables';
  return `${missing.join(', ')} not installed (Debian package ${pkg})`;
}

function emitNftRuleset(program: Program): EmittedRuleset {
  const text = formatNftJson(emitNft(program));
  return {
    target: 'nft',
    files: { 'ruleset.json': text },
    steps: (paths) => [{ argv: ['nft', '-j', '-f', paths['ruleset.json'] as string] }],
    decoded: decodeNft(JSON.parse(text), originLookupFor(program)),
  };
}

function iptablesOrigins(program: Program): (id: string) => Origin | undefined {
  const byKey = new Map<string, Origin>();
  for (const rule of program.chains.flatMap((chain) => chain.rules)) {
    byKey.set(rule.origin.id, rule.origin);
    byKey.set(iptablesComment(rule.origin.id), rule.origin);
  }
  return (id) => byKey.get(id);
}

function emitIptablesRuleset(program: Program, target: VerifyTarget): EmittedRuleset {
  const lowered = lowerForIptables(program);
  const output = emitIptables(lowered);
  const { ipt4, ipt6 } = iptablesTools(target);
  return {
    target,
    files: { ipsets: output.ipsets, 'rules.v4': output.iptables, 'rules.v6': output.ip6tables, 'attach.sh': output.attach },
    steps: (paths) => [
      { argv: [ipt4, '-w', '-t', 'filter', '-S'], probesSupport: true },
      { argv: [ipt6, '-w', '-t', 'filter', '-S'], probesSupport: true },
      { argv: ['ipset', 'restore', '-file', paths.ipsets as string] },
      { argv: [`${ipt4}-restore`, '--noflush', paths['rules.v4'] as string] },
      { argv: [`${ipt6}-restore`, '--noflush', paths['rules.v6'] as string] },
      { argv: ['env', `IPTABLES=${ipt4}`, `IP6TABLES=${ipt6}`, 'sh', paths['attach.sh'] as string] },
    ],
    decoded: decodeIptables({ iptables: output.iptables, ip6tables: output.ip6tables, ipsets: output.ipsets }, iptablesOrigins(lowered)),
  };
}

/** Emits `program` for a target and decodes the text back. */
export function emitForTarget(program: Program, target: VerifyTarget): EmittedRuleset {
  return target === 'nft' ? emitNftRuleset(program) : emitIptablesRuleset(program, target);
}

/**
 * Loads a ruleset into the lab's node. Throws LabError `target-unavailable` when the
 * target's tools or kernel support are missing, `ruleset-refused` when the kernel rejects
 * the ruleset itself.
 */
export async function loadRuleset(lab: Lab, ruleset: EmittedRuleset): Promise<void> {
  const unavailable = targetUnavailable(ruleset.target);
  if (unavailable) throw new LabError('target-unavailable', `target ${ruleset.target}: ${unavailable}`);
  const directory = await mkdtemp(join(tmpdir(), 'calpol-verify-'));
  try {
    const paths: Record<string, string> = {};
    for (const [name, text] of Object.entries(ruleset.files)) {
      paths[name] = join(directory, name);
      await writeFile(paths[name], text, { mode: 0o600 });
    }
    for (const step of ruleset.steps(paths)) {
      const result = await lab.exec(lab.topology.node.namespace, step.argv, { timeoutMs: 60_000 });
      if (result.exitCode === 0) continue;
      const detail = (result.stderr.trim() || result.stdout.trim() || `exit code ${result.exitCode}`).split('\n').slice(0, 5).join('\n');
      if (step.probesSupport) throw new LabError('target-unavailable', `target ${ruleset.target}: \`${step.argv.join(' ')}\` fails in a network namespace: ${detail}`);
      throw new LabError('ruleset-refused', `target ${ruleset.target}: the kernel refused the ruleset (\`${step.argv[0]}\`): ${detail}`);
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
