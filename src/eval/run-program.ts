import type { Action, Chain, Hook, HookName, InterfaceMap, Origin, Program } from '../ir/index.js';
import { compileMatches, prepareSets, type PacketTest } from './run-match.js';

/**
 * A program prepared for the emitted-ruleset evaluator: chains indexed by name with
 * their targets resolved, rule matches compiled to predicates, sets and interface maps
 * turned into lookup structures, base chains ordered per hook. Built once per program.
 */

export type PreparedAction =
  | { kind: 'accept' | 'drop' | 'reject' | 'return' | 'notrack' | 'masquerade' }
  | { kind: 'jump' | 'goto'; target: PreparedChain }
  | { kind: 'dispatch'; on: 'inInterface' | 'outInterface'; map: PreparedMap }
  | { kind: 'setMark'; keep: number; value: number }
  | { kind: 'log'; prefix: string };

export interface PreparedRule {
  index: number;
  test: PacketTest;
  actions: PreparedAction[];
  origin: Origin;
}

export interface PreparedChain {
  name: string;
  rules: PreparedRule[];
}

export interface PreparedBaseChain {
  hook: Hook;
  chain: PreparedChain;
}

/** An interface verdict map: exact names first, then the longest matching `prefix*` entry. */
export class PreparedMap {
  private readonly exact = new Map<string, { verdict: 'jump' | 'goto'; target: PreparedChain }>();
  private readonly wildcards: { prefix: string; verdict: 'jump' | 'goto'; target: PreparedChain }[] = [];

  constructor(
    readonly name: string,
    entries: { interface: string; verdict: 'jump' | 'goto'; target: PreparedChain }[],
  ) {
    for (const entry of entries) {
      if (entry.interface.endsWith('*')) this.wildcards.push({ prefix: entry.interface.slice(0, -1), verdict: entry.verdict, target: entry.target });
      else if (this.exact.has(entry.interface)) throw new Error(`run: map "${name}" has two entries for interface "${entry.interface}"`);
      else this.exact.set(entry.interface, { verdict: entry.verdict, target: entry.target });
    }
    this.wildcards.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  targets(): PreparedChain[] {
    return [...[...this.exact.values()].map((entry) => entry.target), ...this.wildcards.map((entry) => entry.target)];
  }

  lookup(interfaceName: string): { verdict: 'jump' | 'goto'; target: PreparedChain } | undefined {
    const hit = this.exact.get(interfaceName);
    if (hit) return hit;
    return this.wildcards.find((entry) => interfaceName.startsWith(entry.prefix));
  }
}

/** The hooks a packet crosses on each path through the node, in order. */
export const HOOKS_OF_PATH: Readonly<Record<'forward' | 'input' | 'output', readonly HookName[]>> = {
  forward: ['prerouting', 'forward', 'postrouting'],
  input: ['prerouting', 'input'],
  output: ['output', 'postrouting'],
};

export interface PreparedProgram {
  chains: Map<string, PreparedChain>;
  maps: Map<string, PreparedMap>;
  /** Base chains per hook in ascending priority (program order among equal priorities). */
  baseChains: Map<HookName, PreparedBaseChain[]>;
}

function chainNamed(chains: Map<string, PreparedChain>, name: string, user: string): PreparedChain {
  const chain = chains.get(name);
  if (!chain) throw new Error(`run: ${user} refers to chain "${name}", which the program does not define`);
  return chain;
}

function prepareAction(action: Action, chains: Map<string, PreparedChain>, maps: Map<string, PreparedMap>, where: string): PreparedAction {
  switch (action.kind) {
    case 'jump':
    case 'goto':
      return { kind: action.kind, target: chainNamed(chains, action.target, `${action.kind} in ${where}`) };
    case 'dispatch': {
      const map = maps.get(action.map);
      if (!map) throw new Error(`run: dispatch in ${where} refers to map "${action.map}", which the program does not define`);
      return { kind: 'dispatch', on: action.on, map };
    }
    case 'setMark':
      return { kind: 'setMark', keep: ~action.mask >>> 0, value: action.value >>> 0 };
    case 'log':
      return { kind: 'log', prefix: action.prefix };
    default:
      return { kind: action.kind };
  }
}

const TERMINAL = new Set<Action['kind']>(['accept', 'drop', 'reject', 'return', 'jump', 'goto', 'dispatch', 'masquerade']);

function checkActionOrder(actions: readonly Action[], where: string): void {
  actions.forEach((action, position) => {
    if (TERMINAL.has(action.kind) && position !== actions.length - 1) {
      throw new Error(`run: ${where} has a statement after its verdict "${action.kind}"`);
    }
  });
}

/** Every chain reachable from a chain by jump, goto or dispatch (the edges nft checks for loops). */
function successors(chain: PreparedChain): PreparedChain[] {
  const out: PreparedChain[] = [];
  for (const rule of chain.rules) {
    for (const action of rule.actions) {
      if (action.kind === 'jump' || action.kind === 'goto') out.push(action.target);
      else if (action.kind === 'dispatch') out.push(...action.map.targets());
    }
  }
  return out;
}

/** nft refuses a ruleset whose jumps form a loop ("Too many links"); so does the evaluator. */
function checkNoLoops(chains: Map<string, PreparedChain>): void {
  const state = new Map<PreparedChain, 'open' | 'done'>();
  const visit = (chain: PreparedChain, path: string[]): void => {
    const seen = state.get(chain);
    if (seen === 'done') return;
    if (seen === 'open') throw new Error(`run: jump loop ${[...path.slice(path.indexOf(chain.name)), chain.name].join(' -> ')}`);
    state.set(chain, 'open');
    for (const next of successors(chain)) visit(next, [...path, chain.name]);
    state.set(chain, 'done');
  };
  for (const chain of chains.values()) visit(chain, []);
}

function prepareMaps(maps: readonly InterfaceMap[], chains: Map<string, PreparedChain>): Map<string, PreparedMap> {
  const prepared = new Map<string, PreparedMap>();
  for (const map of maps) {
    if (prepared.has(map.name)) throw new Error(`run: map "${map.name}" is defined twice`);
    const entries = map.entries.map((entry) => ({
      interface: entry.interface,
      verdict: entry.verdict,
      target: chainNamed(chains, entry.target, `map "${map.name}" (interface ${entry.interface})`),
    }));
    prepared.set(map.name, new PreparedMap(map.name, entries));
  }
  return prepared;
}

function prepareChains(program: Program): Map<string, PreparedChain> {
  const chains = new Map<string, PreparedChain>();
  for (const chain of program.chains) {
    if (chains.has(chain.name)) throw new Error(`run: chain "${chain.name}" is defined twice`);
    chains.set(chain.name, { name: chain.name, rules: [] });
  }
  return chains;
}

function fillRules(source: Chain, target: PreparedChain, context: { chains: Map<string, PreparedChain>; maps: Map<string, PreparedMap>; sets: ReturnType<typeof prepareSets> }): void {
  source.rules.forEach((rule, index) => {
    const where = `chain "${source.name}" rule ${index}`;
    checkActionOrder(rule.actions, where);
    target.rules.push({
      index,
      test: compileMatches(rule.matches, context.sets),
      actions: rule.actions.map((action) => prepareAction(action, context.chains, context.maps, where)),
      origin: rule.origin,
    });
  });
}

function orderBaseChains(program: Program, chains: Map<string, PreparedChain>): Map<HookName, PreparedBaseChain[]> {
  const byHook = new Map<HookName, PreparedBaseChain[]>();
  program.hooks.forEach((hook) => {
    const list = byHook.get(hook.hook) ?? [];
    list.push({ hook, chain: chainNamed(chains, hook.chain, `hook ${hook.table}/${hook.hook}`) });
    byHook.set(hook.hook, list);
  });
  // Array.prototype.sort is stable: equal priorities keep program order.
  for (const list of byHook.values()) list.sort((a, b) => a.hook.priority - b.hook.priority);
  return byHook;
}

/** Prepares a program; throws on references to missing chains, maps or sets and on jump loops. */
export function prepareProgram(program: Program): PreparedProgram {
  const sets = prepareSets(program.sets);
  const chains = prepareChains(program);
  const maps = prepareMaps(program.maps, chains);
  for (const chain of program.chains) fillRules(chain, chains.get(chain.name) as PreparedChain, { chains, maps, sets });
  checkNoLoops(chains);
  return { chains, maps, baseChains: orderBaseChains(program, chains) };
}
