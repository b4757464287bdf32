import type { CtState, HookName, Origin, Program, TableKind } from '../ir/index.js';
import type { Packet } from './packet.js';
import type { PacketState } from './run-match.js';
import { HOOKS_OF_PATH, prepareProgram, type PreparedBaseChain, type PreparedChain, type PreparedProgram, type PreparedRule } from './run-program.js';

/**
 * The evaluator of emitted rulesets: runs a `Program` (the IR, or a backend's output
 * decoded back to it) over one packet the way netfilter does (src/ir/types.ts): at each
 * hook the packet crosses, the base chains in ascending priority; `accept` ends only the
 * current base chain, `drop`/`reject` end everything; jump pushes a return address, goto
 * replaces the current frame, `return` (or the end of a chain) pops, and popping a base
 * chain applies its policy. Marks and conntrack state persist across hooks.
 *
 * Two kernel behaviours beyond the IR header: nat base chains only see packets of a new
 * connection (ct state `new`), as netfilter's NAT only consults them for the first
 * packet, so untracked, established, related and invalid packets skip them; and a
 * jump/goto nesting deeper than nft's jump stack (16 levels) is an error.
 */

export type RunPath = 'forward' | 'input' | 'output';

export interface RunInput {
  packet: Packet;
  path: RunPath;
  inInterface?: string;
  outInterface?: string;
  /** Conntrack state as the packet arrives (default `new`). */
  ctState?: CtState;
  /** Packet mark as it arrives (default 0). */
  mark?: number;
  /** The node whose program should run this traversal (set by runInputsFor; informational here). */
  node?: string;
}

export interface RuleHit {
  chain: string;
  index: number;
  origin: Origin;
  /** Whether the rule's matches held (misses are only recorded with `recordMisses`). */
  matched: boolean;
}

/** What one base chain did with the packet. */
export interface BaseChainOutcome {
  table: TableKind;
  hook: HookName;
  chain: string;
  /** `accept`/`drop` by a rule; `policy-*` by falling off the chain; `skipped`: a nat chain the packet does not visit. */
  outcome: 'accept' | 'drop' | 'policy-accept' | 'policy-drop' | 'skipped';
}

export interface RunTrace {
  verdict: 'accept' | 'drop';
  /** Every rule whose actions ran, in order (plus non-matching rules with `recordMisses`). */
  rulesHit: RuleHit[];
  /** The rule that decided: the drop, or the last accept; undefined when only base-chain policies decided. */
  final: { chain: string; index: number } | undefined;
  baseChains: BaseChainOutcome[];
  /** The packet mark after the last chain. */
  marks: number;
  ctState: CtState;
  natted?: 'masquerade';
  /** Prefixes of the log statements that ran, in order. */
  logs: string[];
}

export interface RunOptions {
  /** Record rules whose matches failed too (`matched: false`); slower, for debugging. */
  recordMisses?: boolean;
}

/** nft's NFT_JUMP_STACK_SIZE: deeper jump/goto nesting does not load. */
export const MAX_CHAIN_DEPTH = 16;

interface Frame {
  chain: PreparedChain;
  next: number;
  depth: number;
}

/** A program prepared once (chains, sets, maps, hook order); `run` evaluates one packet. */
export class RunEvaluator {
  private readonly prepared: PreparedProgram;
  private readonly recordMisses: boolean;

  constructor(
    readonly program: Program,
    options: RunOptions = {},
  ) {
    this.prepared = prepareProgram(program);
    this.recordMisses = options.recordMisses ?? false;
  }

  run(input: RunInput): RunTrace {
    const state = packetState(input);
    const trace: RunTrace = { verdict: 'accept', rulesHit: [], final: undefined, baseChains: [], marks: 0, ctState: state.ctState, logs: [] };
    outer: for (const hookName of HOOKS_OF_PATH[input.path]) {
      for (const base of this.prepared.baseChains.get(hookName) ?? []) {
        const outcome = base.hook.table === 'nat' && state.ctState !== 'new' ? 'skipped' : this.runBaseChain(base, state, trace);
        trace.baseChains.push({ table: base.hook.table, hook: base.hook.hook, chain: base.hook.chain, outcome });
        if (outcome === 'drop' || outcome === 'policy-drop') {
          trace.verdict = 'drop';
          break outer;
        }
      }
    }
    trace.marks = state.mark;
    trace.ctState = state.ctState;
    return trace;
  }

  /** Runs one base chain to its verdict. */
  private runBaseChain(base: PreparedBaseChain, state: PacketState, trace: RunTrace): BaseChainOutcome['outcome'] {
    const stack: Frame[] = [];
    let frame: Frame = { chain: base.chain, next: 0, depth: 0 };
    for (;;) {
      const rule = frame.chain.rules[frame.next];
      if (rule === undefined) {
        // Falling off a chain returns to its caller; off the base chain, the policy applies.
        const caller = stack.pop();
        if (!caller) return base.hook.policy === 'accept' ? 'policy-accept' : 'policy-drop';
        frame = caller;
        continue;
      }
      frame.next++;
      if (!rule.test(state)) {
        if (this.recordMisses) trace.rulesHit.push({ chain: frame.chain.name, index: rule.index, origin: rule.origin, matched: false });
        continue;
      }
      trace.rulesHit.push({ chain: frame.chain.name, index: rule.index, origin: rule.origin, matched: true });
      const step = this.runActions(rule, frame, base, state, trace);
      if (step === 'continue') continue;
      if (step === 'accept' || step === 'drop') return step;
      if (step === 'return') {
        const caller = stack.pop();
        if (!caller) return base.hook.policy === 'accept' ? 'policy-accept' : 'policy-drop';
        frame = caller;
        continue;
      }
      if (step.depth > MAX_CHAIN_DEPTH) {
        throw new Error(`run: chain nesting deeper than ${MAX_CHAIN_DEPTH} at "${step.chain.name}" (from base chain "${base.chain.name}")`);
      }
      if (step.push) stack.push(frame);
      frame = { chain: step.chain, next: 0, depth: step.depth };
    }
  }

  /** A matched rule's statements; the verdict (if any) tells the chain loop what to do next. */
  private runActions(
    rule: PreparedRule,
    frame: Frame,
    base: PreparedBaseChain,
    state: PacketState,
    trace: RunTrace,
  ): 'continue' | 'accept' | 'drop' | 'return' | { chain: PreparedChain; push: boolean; depth: number } {
    for (const action of rule.actions) {
      switch (action.kind) {
        case 'setMark':
          state.mark = ((state.mark & action.keep) | action.value) >>> 0;
          break;
        case 'log':
          trace.logs.push(action.prefix);
          break;
        case 'notrack':
          state.ctState = 'untracked';
          break;
        case 'accept':
        case 'drop':
        case 'reject':
          trace.final = { chain: frame.chain.name, index: rule.index };
          return action.kind === 'accept' ? 'accept' : 'drop';
        case 'masquerade':
          if (base.hook.table !== 'nat' || base.hook.hook !== 'postrouting') {
            throw new Error(`run: masquerade in chain "${frame.chain.name}" outside nat postrouting (reached from ${base.hook.table}/${base.hook.hook})`);
          }
          trace.natted = 'masquerade';
          trace.final = { chain: frame.chain.name, index: rule.index };
          return 'accept';
        case 'return':
          return 'return';
        case 'jump':
        case 'goto':
          return { chain: action.target, push: action.kind === 'jump', depth: frame.depth + 1 };
        case 'dispatch': {
          const entry = action.map.lookup(action.on === 'inInterface' ? state.inInterface : state.outInterface);
          // No entry: the rule does nothing and evaluation goes on with the next rule.
          if (!entry) return 'continue';
          return { chain: entry.target, push: entry.verdict === 'jump', depth: frame.depth + 1 };
        }
      }
    }
    return 'continue';
  }
}

/** The packet's fields in the forms the compiled matches test. */
export function packetState(input: RunInput): PacketState {
  const packet = input.packet;
  const v4 = packet.ipVersion === 4;
  const icmp = packet.protocol === 1 || packet.protocol === 58;
  return {
    ipVersion: packet.ipVersion,
    protocol: packet.protocol,
    source4: v4 ? Number(packet.source.value) : 0,
    destination4: v4 ? Number(packet.destination.value) : 0,
    source6: v4 ? 0n : packet.source.value,
    destination6: v4 ? 0n : packet.destination.value,
    sourcePort: packet.sourcePort ?? -1,
    destinationPort: packet.destinationPort ?? -1,
    icmpType: icmp ? (packet.icmpType ?? -1) : -1,
    icmpCode: icmp ? (packet.icmpCode ?? -1) : -1,
    inInterface: input.inInterface ?? '',
    outInterface: input.outInterface ?? '',
    ctState: input.ctState ?? 'new',
    mark: (input.mark ?? 0) >>> 0,
  };
}

const evaluators = new WeakMap<Program, RunEvaluator>();

/** Runs one packet through a program (the prepared program is cached per Program object). */
export function run(program: Program, input: RunInput): RunTrace {
  let evaluator = evaluators.get(program);
  if (!evaluator) {
    evaluator = new RunEvaluator(program);
    evaluators.set(program, evaluator);
  }
  return evaluator.run(input);
}
