import { commentForOrigin as iptablesComment, decodeIptables, emitIptables, lowerForIptables } from '../emit/iptables/index.js';
import { decodeNft, emitNft, formatNftJson, originLookupFor } from '../emit/nft/index.js';
import { RunEvaluator, runFlow, type ResolvedFlow, type RunFlowResult } from '../eval/index.js';
import { buildProgram, type BuildOptions, type Origin, type Program } from '../ir/index.js';
import type { TierPlan } from '../tiers/index.js';
import { UserError } from './errors.js';

export const VIA_TARGETS = ['nft', 'iptables'] as const;
export type ViaTarget = (typeof VIA_TARGETS)[number];

function iptablesLookup(program: Program): (id: string) => Origin | undefined {
  const byKey = new Map<string, Origin>();
  for (const rule of program.chains.flatMap((chain) => chain.rules)) {
    byKey.set(rule.origin.id, rule.origin);
    byKey.set(iptablesComment(rule.origin.id), rule.origin);
  }
  return (id) => byKey.get(id);
}

/**
 * The program as a backend would load it: emitted as text, then decoded back. Running
 * this (not the IR) is what makes `--via` evidence about the emitted ruleset.
 */
export function emittedProgram(program: Program, target: ViaTarget): Program {
  if (target === 'nft') return decodeNft(JSON.parse(formatNftJson(emitNft(program))), originLookupFor(program));
  const lowered = lowerForIptables(program);
  return decodeIptables(emitIptables(lowered), iptablesLookup(lowered));
}

/**
 * Runs a flow through the emitted ruleset of every node it crosses (each node's program
 * compiled with `--node`, endpoints without a node count as local everywhere).
 */
export function runViaEmitted(plan: TierPlan, flow: ResolvedFlow, target: ViaTarget, options: Omit<BuildOptions, 'node'>): RunFlowResult {
  const evaluators = new Map<string, RunEvaluator>();
  const forNode = (node: string | undefined): RunEvaluator => {
    const key = node ?? '';
    let evaluator = evaluators.get(key);
    if (!evaluator) {
      const built = buildProgram(plan, { ...options, ...(node !== undefined ? { node } : {}) });
      const problem = built.diagnostics.find((d) => d.severity === 'error');
      if (problem) throw new UserError(`calpol: cannot compile for --via: ${problem.message}`);
      evaluator = new RunEvaluator(emittedProgram(built.program, target));
      evaluators.set(key, evaluator);
    }
    return evaluator;
  };
  return runFlow(forNode, flow);
}

function where(origin: Origin): string {
  return origin.span ? ` at ${origin.span.file}:${origin.span.line}:${origin.span.column}` : '';
}

/** The emitted rules a flow hit, traversal by traversal, each with its Origin. */
export function renderViaText(result: RunFlowResult, target: ViaTarget): string {
  const lines = [`${result.verdict === 'allow' ? 'ALLOW' : 'DENY'} by the emitted ${target} ruleset`];
  result.traversals.forEach((trace, index) => {
    lines.push(`traversal ${index + 1}: ${trace.verdict}`);
    for (const hit of trace.rulesHit) lines.push(`  ${hit.chain}[${hit.index}] ${hit.origin.id}${where(hit.origin)}`);
    const decided = trace.final ? `${trace.final.chain}[${trace.final.index}]` : 'the base chains\' policy';
    lines.push(`  decided by ${decided}`);
  });
  return lines.join('\n') + '\n';
}
