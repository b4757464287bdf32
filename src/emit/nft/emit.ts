import type { AddressSet, Chain, Hook, InterfaceMap, Program, Rule } from '../../ir/index.js';
import { chainTypeFor } from './base-chains.js';
import type { NftChainObject, NftCommand, NftDocument, NftExpr, NftMapObject, NftRuleObject, NftSetObject, NftTableObject } from './json-types.js';
import { lowerRuleStatements } from './lower-action.js';
import { addressExpr } from './lower-match.js';
import { assertInterfaceName, assertIrName, commentForOrigin } from './text-safety.js';

export interface EmitNftOptions {
  /** The inet table calpol owns and replaces (default `calpol`). */
  table?: string;
}

export const DEFAULT_TABLE = 'calpol';

function setKeyType(set: AddressSet): NftSetObject['type'] {
  switch (set.type) {
    case 'ipv4':
      return 'ipv4_addr';
    case 'ipv6':
      return 'ipv6_addr';
    case 'ipv4-named-port':
      return ['ipv4_addr', 'inet_proto', 'inet_service'];
    case 'ipv6-named-port':
      return ['ipv6_addr', 'inet_proto', 'inet_service'];
  }
}

/** `<address>,<protocol number>,<port>` → `{"concat": [address, protocol, port]}`. */
function namedPortElement(element: string, version: 4 | 6): NftExpr {
  const parts = element.split(',');
  const [address, protocolText, portText] = parts;
  const protocol = Number(protocolText);
  const port = Number(portText);
  const isInt = (text: string | undefined, max: number) => text !== undefined && /^\d+$/.test(text) && Number(text) <= max;
  if (parts.length !== 3 || address === undefined || !isInt(protocolText, 255) || !isInt(portText, 65535)) {
    throw new Error(`bug: named-port element ${JSON.stringify(element)} is not <address>,<protocol>,<port>`);
  }
  return { concat: [addressExpr(address, version), protocol, port] };
}

/**
 * Address sets always have `flags: ["interval"]` (prefix elements need it; the IR merges
 * CIDRs so none overlaps — nft rejects overlap in named interval sets). Named-port sets
 * need it only when an address is a prefix. `flags` must be an array: a string is
 * silently ignored by nft.
 */
function setObject(set: AddressSet, table: string): NftSetObject {
  const version = set.type.startsWith('ipv4') ? 4 : 6;
  const named = set.type.endsWith('-named-port');
  const elem = set.elements.map((element) => (named ? namedPortElement(element, version) : addressExpr(element, version)));
  const interval = !named || set.elements.some((element) => (element.split(',')[0] ?? '').includes('/'));
  const object: NftSetObject = { family: 'inet', table, name: assertIrName('set', set.name), type: setKeyType(set) };
  if (interval) object.flags = ['interval'];
  if (elem.length > 0) object.elem = elem;
  return object;
}

/** A wildcard key (`cali*`) is an interval in nft: the map needs `flags interval` for it. */
function mapObject(map: InterfaceMap, table: string, regularChains: ReadonlySet<string>): NftMapObject {
  const object: NftMapObject = { family: 'inet', table, name: assertIrName('map', map.name), type: 'ifname', map: 'verdict' };
  if (map.entries.some((entry) => entry.interface.endsWith('*'))) object.flags = ['interval'];
  if (map.entries.length > 0) {
    object.elem = map.entries.map((entry) => {
      if (!regularChains.has(entry.target)) throw new Error(`bug: map ${map.name} targets ${entry.target}, which is not a regular chain of the program`);
      const target = { target: entry.target };
      return [assertInterfaceName(entry.interface), entry.verdict === 'jump' ? { jump: target } : { goto: target }];
    });
  }
  return object;
}

function chainObject(chain: Chain, hook: Hook | undefined, table: string): NftChainObject {
  const object: NftChainObject = { family: 'inet', table, name: assertIrName('chain', chain.name) };
  if (!hook) return object;
  // Without `prio` nft silently makes a regular chain that filters nothing.
  return { ...object, type: chainTypeFor(hook), hook: hook.hook, prio: hook.priority, policy: hook.policy };
}

function hookByChain(program: Program): Map<string, Hook> {
  const chains = new Set(program.chains.map((chain) => chain.name));
  const hooks = new Map<string, Hook>();
  for (const hook of program.hooks) {
    if (!chains.has(hook.chain)) throw new Error(`bug: hook ${hook.hook} refers to chain ${hook.chain}, which the program does not define`);
    if (hooks.has(hook.chain)) throw new Error(`bug: chain ${hook.chain} is attached to two hooks (an nft chain has at most one)`);
    hooks.set(hook.chain, hook);
  }
  return hooks;
}

/** nft refuses a jump to a missing chain or to a base chain, and a vmap of a missing map. */
function checkTargets(program: Program, regular: ReadonlySet<string>): void {
  const maps = new Set(program.maps.map((map) => map.name));
  // Plain loops: this visits every rule of a whole-cluster program (millions).
  for (const chain of program.chains) {
    for (const rule of chain.rules) {
      for (const action of rule.actions) {
        if ((action.kind === 'jump' || action.kind === 'goto') && !regular.has(action.target)) {
          throw new Error(`bug: chain ${chain.name} has ${action.kind} ${action.target}, which is not a regular chain of the program`);
        }
        if (action.kind === 'dispatch' && !maps.has(action.map)) throw new Error(`bug: chain ${chain.name} dispatches on map ${action.map}, which the program does not define`);
      }
    }
  }
}

function checkUnique(what: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`bug: ${what} ${name} is defined twice`);
    seen.add(name);
  }
}

/** A program whose names, hooks and references were checked: what lowering it object by object needs. */
export interface CheckedProgram {
  program: Program;
  table: string;
  hooks: ReadonlyMap<string, Hook>;
  /** The chains jumps and maps may target: every chain that is not a base chain. */
  regular: ReadonlySet<string>;
  lookupSet: (name: string) => AddressSet | undefined;
}

/**
 * Every check that can refuse the program as a whole, done before anything is lowered, so
 * a streamed output fails before its first chunk rather than halfway through.
 */
export function checkProgram(program: Program, options: EmitNftOptions = {}): CheckedProgram {
  const table = assertIrName('table', options.table ?? DEFAULT_TABLE);
  checkUnique('chain', program.chains.map((chain) => chain.name));
  checkUnique('set', program.sets.map((set) => set.name));
  checkUnique('map', program.maps.map((map) => map.name));
  const hooks = hookByChain(program);
  const sets = new Map(program.sets.map((set) => [set.name, set]));
  const regular = new Set(program.chains.filter((chain) => !hooks.has(chain.name)).map((chain) => chain.name));
  checkTargets(program, regular);
  return { program, table, hooks, regular, lookupSet: (name) => sets.get(name) };
}

export const setCommandObject = (checked: CheckedProgram, set: AddressSet): NftSetObject => setObject(set, checked.table);
export const mapCommandObject = (checked: CheckedProgram, map: InterfaceMap): NftMapObject => mapObject(map, checked.table, checked.regular);
export const chainCommandObject = (checked: CheckedProgram, chain: Chain): NftChainObject => chainObject(chain, checked.hooks.get(chain.name), checked.table);

/** One IR rule lowered to its nft rule object. */
export function ruleObject(checked: CheckedProgram, chain: Chain, index: number): NftRuleObject {
  const rule = chain.rules[index] as Rule;
  const where = `chain ${chain.name} rule ${index} (${rule.origin.id})`;
  const expr = lowerRuleStatements(rule, checked.lookupSet, where);
  return { family: 'inet', table: checked.table, chain: chain.name, comment: commentForOrigin(rule.origin.id), expr };
}

/** The hook chains in the program's hook order, then the other chains in program order. */
function chainsInRuleOrder(checked: CheckedProgram): Chain[] {
  const byName = new Map(checked.program.chains.map((chain) => [chain.name, chain]));
  const hookChains = checked.program.hooks.map((hook) => byName.get(hook.chain) as Chain);
  return [...hookChains, ...checked.program.chains.filter((chain) => checked.regular.has(chain.name))];
}

function* commandsOf(checked: CheckedProgram): Generator<NftCommand> {
  const table: NftTableObject = { family: 'inet', name: checked.table };
  yield { metainfo: { json_schema_version: 1 } };
  yield { add: { table: { ...table } } };
  yield { delete: { table: { ...table } } };
  yield { add: { table: { ...table } } };
  for (const set of checked.program.sets) yield { add: { set: setCommandObject(checked, set) } };
  for (const chain of checked.program.chains) yield { add: { chain: chainCommandObject(checked, chain) } };
  for (const map of checked.program.maps) yield { add: { map: mapCommandObject(checked, map) } };
  for (const chain of chainsInRuleOrder(checked)) {
    for (let index = 0; index < chain.rules.length; index++) yield { add: { rule: ruleObject(checked, chain, index) } };
  }
}

/**
 * The order of commands, for one atomic `nft -j -f` batch that replaces calpol's table
 * and touches nothing else:
 * 1. `add table` → `delete table` → `add table`: deleting needs the table to exist, and
 *    adding an existing table is a no-op, so this empties it whether or not it existed
 *    (`flush ruleset` would also wipe kube-proxy's and everyone else's tables).
 * 2. sets, 3. every chain, empty (base chains with type, hook, prio, policy),
 * 4. verdict maps: their elements may only name chains added earlier in the batch,
 * 5. rules: the hook chains' rules first, in the program's hook order, then the other
 *    chains' in program order. The decoder reads the hook order back from this (nft
 *    keeps no other order of base chains).
 *
 * The program is checked now; the commands are lowered one at a time as they are read,
 * so a whole-cluster ruleset never has to exist as one document.
 */
export function emitNftCommands(program: Program, options: EmitNftOptions = {}): Iterable<NftCommand> {
  return commandsOf(checkProgram(program, options));
}

/** The whole document at once (tests, the decoder, small programs); see emitNftCommands. */
export function emitNft(program: Program, options: EmitNftOptions = {}): NftDocument {
  return { nftables: Array.from(emitNftCommands(program, options)) };
}
