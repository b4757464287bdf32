import { emittedProgram } from '../../src/cli/via.js';
import { parsePrefix, run, RunEvaluator, type Packet, type Prefix, type RunInput } from '../../src/eval/index.js';
import { buildProgram, type Action, type AddressSet, type BuildOptions, type Chain, type Hook, type InterfaceMap, type Match, type Origin, type Program, type Rule } from '../../src/ir/index.js';
import type { TierPlan } from '../../src/tiers/index.js';

/** Small builders for hand-written IR programs in the run evaluator's tests. */

export const origin = (id: string): Origin => ({ id });

export function rule(id: string, matches: Match[], ...actions: Action[]): Rule {
  return { matches, actions, origin: origin(id) };
}

export const chain = (name: string, ...rules: Rule[]): Chain => ({ name, rules });

export function hook(table: Hook['table'], hookName: Hook['hook'], priority: number, chainName: string, policy: Hook['policy'] = 'accept'): Hook {
  return { table, hook: hookName, priority, chain: chainName, policy };
}

export function program(parts: { hooks: Hook[]; chains: Chain[]; sets?: AddressSet[]; maps?: InterfaceMap[] }): Program {
  return { hooks: parts.hooks, chains: parts.chains, sets: parts.sets ?? [], maps: parts.maps ?? [] };
}

export const accept: Action = { kind: 'accept' };
export const drop: Action = { kind: 'drop' };
export const ret: Action = { kind: 'return' };
export const jump = (target: string): Action => ({ kind: 'jump', target });
export const goto = (target: string): Action => ({ kind: 'goto', target });
export const setMark = (value: number, mask = value): Action => ({ kind: 'setMark', mask, value });

function address(text: string): Prefix {
  const prefix = parsePrefix(text);
  if (!prefix) throw new Error(`bad address ${text}`);
  return prefix;
}

export interface PacketFields {
  src?: string;
  dst?: string;
  protocol?: number;
  sport?: number;
  dport?: number;
  icmpType?: number;
  icmpCode?: number;
}

/** A packet; TCP 10.0.0.1:40000 → 10.0.0.2:80 unless told otherwise. */
export function packet(fields: PacketFields = {}): Packet {
  const source = address(fields.src ?? '10.0.0.1');
  const destination = address(fields.dst ?? '10.0.0.2');
  const protocol = fields.protocol ?? 6;
  const ports = protocol === 6 || protocol === 17 || protocol === 132 || protocol === 136;
  const result: Packet = { ipVersion: source.version, source, destination, sourceAddress: fields.src ?? '10.0.0.1', destinationAddress: fields.dst ?? '10.0.0.2', protocol };
  if (ports) {
    result.sourcePort = fields.sport ?? 40000;
    result.destinationPort = fields.dport ?? 80;
  }
  if (protocol === 1 || protocol === 58) {
    result.icmpType = fields.icmpType ?? (protocol === 1 ? 8 : 128);
    result.icmpCode = fields.icmpCode ?? 0;
  }
  return result;
}

/** Whether a program accepting exactly on `match` (all of them, for a list; policy drop) accepts the input. */
export function matchHolds(match: Match | Match[], input: RunInput, sets: AddressSet[] = []): boolean {
  const matches = Array.isArray(match) ? match : [match];
  const p = program({ hooks: [hook('filter', input.path, 0, 'c', 'drop')], chains: [chain('c', rule('m', matches, accept))], sets });
  return run(p, input).verdict === 'accept';
}

/** Evaluators of one plan's per-node programs: the IR itself, and the IR emitted (nft JSON, iptables-restore + ipsets) and decoded back. */
export interface NodeEvaluators {
  ir: (node: string | undefined) => RunEvaluator;
  nft: (node: string | undefined) => RunEvaluator;
  iptables: (node: string | undefined) => RunEvaluator;
  /** Error diagnostics of the builds so far (a program the compiler refuses is not held to the reference). */
  buildErrors: string[];
}

export function nodeEvaluators(plan: TierPlan, options: BuildOptions = {}): NodeEvaluators {
  const programs = new Map<string, Program>();
  const buildErrors: string[] = [];
  const programFor = (node: string | undefined): Program => {
    let built = programs.get(node ?? '');
    if (!built) {
      const result = buildProgram(plan, node === undefined ? options : { ...options, node });
      for (const d of result.diagnostics) if (d.severity === 'error') buildErrors.push(`${d.code}: ${d.message}`);
      built = result.program;
      programs.set(node ?? '', built);
    }
    return built;
  };
  const cached = (make: (program: Program) => RunEvaluator) => {
    const evaluators = new Map<string, RunEvaluator>();
    return (node: string | undefined) => {
      let evaluator = evaluators.get(node ?? '');
      if (!evaluator) {
        evaluator = make(programFor(node));
        evaluators.set(node ?? '', evaluator);
      }
      return evaluator;
    };
  };
  return {
    ir: cached((program) => new RunEvaluator(program)),
    nft: cached((program) => new RunEvaluator(emittedProgram(program, 'nft'))),
    iptables: cached((program) => new RunEvaluator(emittedProgram(program, 'iptables'))),
    buildErrors,
  };
}
