import type { AddressSet, Chain, Hook, InterfaceMap, Program, Rule } from '../../ir/index.js';
import { normaliseFamilies, type SetTypes } from './family.js';
import { entriesByPriority, lowerRule, type RuleContext } from './lower-rule.js';
import { assertChainName, compareHooks, contentNameOfJson, emittedRulesJson, HELPER_PREFIX, isChainName, topChainName } from './names.js';
import { assertInterfaceName } from './interfaces.js';
import { lowerSets, setUsageErrors } from './sets.js';
import { sortMatches } from './shape.js';

/*
 * lowerForIptables: IR → IR in which every rule is ONE iptables rule, with the same meaning.
 * ==========================================================================================
 *
 * One iptables rule holds one `-s`, one `-d`, one `-i`, one `-o`, one `-p` (each possibly
 * negated), any number of `-m` matches (set, conntrack, mark, icmp, multiport with ≤ 15
 * slots — a range costs 2) and ONE target. The IR allows OR-lists in every match, negated
 * OR-lists (= AND of negations) and several statements per rule. The gap is closed with
 * helper chains, and — in one case only, (G) — one scratch mark bit.
 *
 * (A) Canonical conjunction (conjunction.ts). Per field, positive lists are intersected,
 *     negated lists united, positive entries a negated one covers are dropped (ports:
 *     positive minus negated); the protocol is cut to the candidates ports and ICMP allow
 *     (IR: port matches only hold for tcp/udp/sctp, ICMP matches only for icmp/icmpv6, even
 *     negated); the family is the one every family-bound match agrees on (a net, a set, an
 *     ICMP match, negated or not: `! -s 10.0.0.0/8` lives in the IPv4 file). Every OR-list
 *     is made pairwise DISJOINT (no CIDR inside another, no name that a wildcard covers,
 *     ports merged). Hence the fact everything below rests on:
 *       (X) at most one alternative of an OR block holds for a packet, and no statement
 *           changes the fields alternatives test (addresses, ports, protocol, interfaces).
 *     A conjunction nothing satisfies drops the rule; so does a rule without actions.
 *
 * (B) Frames. `-j H` pushes a frame: H's RETURN or end goes on after the calling rule
 *     (NEXT). `-g H` replaces the frame: H's RETURN or end returns from the calling chain
 *     (EXIT). A rule is in CALL mode when, after its statements, the chain goes on with the
 *     next rule or never comes back (none, jump, accept, drop, reject, masquerade, dispatch
 *     to jump entries); in TAIL mode when its verdict acts on the chain's own frame (return,
 *     goto, dispatch to goto entries).
 *
 * (C) Shapes (shape.ts): per candidate protocol one branch (`-p tcp`, `-p udp` …: ports
 *     and ICMP need exactly one `-p` in their rule); branches exclude each other. In a
 *     branch: single-value matches inline; positive OR-lists become OR blocks; several
 *     negated `-s`/`-d`/`-i`/`-o`/`-p` values become negated alternatives (negated ports
 *     need none: several `-m multiport ! --dports` clauses in one rule AND as wanted).
 *     If the product of the block sizes is ≤ 16, one flat rule per combination in the chain
 *     itself; else the first block inline and each further block a helper chain.
 *
 * (D) Combinations carry the WHOLE effect, for any mode: by (X) at most one combination
 *     holds, so the effect runs at most once, and if it comes back (NEXT) the remaining
 *     combinations fail. An OR of n values costs n rules, as in Felix.
 *
 * (E) Several statements [s1 … sn, verdict]: a `calpol-do-*` chain with one rule each.
 *     Call mode: `cond -j do`; do's end is NEXT; a final jump X is written `-g X` (X's
 *     return is then NEXT). Tail mode: `cond -g do`; do's end is EXIT, which IS `return`;
 *     a final goto X stays `-g X`. (Felix's "set mark; `-m mark --mark X/X -j RETURN`"
 *     needs the bit clear beforehand; the goto form needs nothing.)
 *
 * (F) Helpers of a CALL-mode rule: the chain does `combination -j first-helper`; a block
 *     chain `calpol-or-*` has `alternative -g <next>` per alternative (none holding: its
 *     end, NEXT); a `calpol-not-*` chain has `alternative -j RETURN` per negated value,
 *     then the effect. Inside helpers the effect is done as written (a jump becomes a goto,
 *     a do chain is entered by goto): their frame is the one the chain pushed, so the
 *     effect's end is NEXT. Non-terminal effects in a block chain are fine by (X).
 *
 * (G) A TAIL-mode rule whose condition needs helpers cannot fail from inside one (RETURN
 *     there would be EXIT). It uses a flag bit F (the first of 0x80000, 0x100000, … — Felix's
 *     scratch bits — that the program neither tests nor sets):
 *         -j MARK --set-xmark 0/F                      (F clear, whatever came in)
 *         <the condition in call mode, effect: statements then set F>
 *         -m mark --mark F/F -g <do: clear F [; -g X]>  (return / goto X)
 *     A dispatch to goto entries instead ends in one `-m mark --mark F/F -i <name>` rule per
 *     entry (lookup order: exact names, then the longest wildcard) that enters `do: clear F;
 *     -g target` — by goto for goto entries, by jump for jump entries (F is then clear, so no
 *     later entry fires) — and a last `-m mark --mark F/F -j MARK --set-xmark 0/F`. F is
 *     clear on every way out. While F is set, only this rule's own rules run (its remaining
 *     combinations, which fail by (X), and the F tests), so no other rule can see F; the
 *     program itself never tests or sets F, so clearing it on entry changes nothing it
 *     decides. The only trace: a packet that arrives with F set leaves with it clear.
 *     Depth stays constant (moving the chain's rest into a `-g` chain instead would add a
 *     level per such rule, and nft refuses more than 16).
 *
 * (H) Interface maps. Dispatch to a map whose entries all jump: `-j <map chain>` with
 *     `-i name -g target` per entry in lookup order (the target's return is NEXT; no entry:
 *     the chain's end, NEXT), named after the map. A flat list, not Felix's prefix tree:
 *     same meaning, simpler. Dispatch to goto entries with no statements and no helpers:
 *     one `combination -i name -g target` rule per entry in the chain itself (first match
 *     wins, as the lookup). Otherwise (G). Empty maps do nothing.
 *
 * (I) Marks: --set-xmark XORs where the IR ORs, so a mask is widened to cover its value
 *     (same mark). LOG prefixes become what iptables takes (≤ 29 safe characters).
 *
 * Families: a rule goes to iptables, ip6tables or both by the family its matches imply;
 * a flat rule whose family-bound matches went to helpers gets an explicit `family` match.
 * Each chain's rules are finally put in the order decoding gives back (family.ts:
 * merge ∘ split, which keeps each family's rule sequence and so the meaning).
 *
 * Helper names are `calpol-<kind>-` + 16 hex digits of the SHA-256 of their rules (equal
 * helpers are one chain; names never depend on input order). Chains no hook reaches are
 * dropped, maps are gone (now chains), hooks and chains are sorted. At most one hook per
 * (table, hook): an ACCEPT in iptables ends the whole built-in chain, not one IR hook.
 */

class HelperChains {
  readonly chains = new Map<string, Rule[]>();
  /** The canonical JSON of each chain's rules, once computed (a helper is often asked for again). */
  private readonly json = new Map<string, string>();
  private readonly nameByContent = new Map<string, string>();
  constructor(private readonly taken: ReadonlySet<string>) {}

  add(name: string, rules: Rule[], json?: string): string | undefined {
    if (this.taken.has(name)) return undefined;
    const existing = this.chains.get(name);
    if (existing) return this.jsonOf(name, existing) === (json ?? emittedRulesJson(rules)) ? name : undefined;
    this.chains.set(name, rules);
    if (json !== undefined) this.json.set(name, json);
    return name;
  }

  byContent(prefix: string, rules: Rule[]): string {
    const json = emittedRulesJson(rules);
    // Many rules ask for the same helper: hash each content once.
    let name = this.nameByContent.get(prefix + json);
    if (name === undefined) this.nameByContent.set(prefix + json, (name = contentNameOfJson(prefix, json)));
    if (this.add(name, rules, json) === undefined) throw new Error(`iptables: helper chain name ${name} is already used`);
    return name;
  }

  private jsonOf(name: string, rules: Rule[]): string {
    let json = this.json.get(name);
    if (json === undefined) this.json.set(name, (json = emittedRulesJson(rules)));
    return json;
  }
}

/** Felix's scratch bits first, then the rest of its mark mask 0xffff0000, lowest first. */
const FLAG_CANDIDATES = [0x80000, 0x100000, ...Array.from({ length: 16 }, (_, i) => (0x10000 << i) >>> 0)];

/** The flag bit of (G): the first candidate no mark match or setMark of the program touches. */
function flagBit(program: Program): number {
  let used = 0;
  for (const chain of program.chains) {
    for (const rule of chain.rules) {
      for (const match of rule.matches) if (match.kind === 'mark') used |= match.mask | match.value;
      for (const action of rule.actions) if (action.kind === 'setMark') used |= action.mask | action.value;
    }
  }
  const bit = FLAG_CANDIDATES.find((candidate) => (used & candidate) === 0);
  if (bit === undefined) throw new Error('iptables: no free mark bit in 0xffff0000 for the flag of a return/goto rule with helper chains');
  return bit;
}

function jumpMapChain(helpers: HelperChains, map: InterfaceMap, on: 'inInterface' | 'outInterface'): string {
  const rules: Rule[] = entriesByPriority(map).map((entry) => ({
    matches: [{ kind: on, names: [entry.interface], negate: false }],
    actions: [{ kind: 'goto', target: entry.target }],
    origin: map.origin,
  }));
  const readable = isChainName(map.name) ? helpers.add(map.name, rules) : undefined;
  return readable ?? helpers.byContent(HELPER_PREFIX.map, rules);
}

function checkProgram(program: Program): void {
  const names = new Set<string>();
  for (const chain of program.chains) {
    if (names.has(assertChainName(chain.name))) throw new Error(`iptables: chain ${chain.name} is defined twice`);
    names.add(chain.name);
  }
  const seen = new Set<string>();
  for (const hook of program.hooks) {
    topChainName(hook.table, hook.hook);
    if (seen.has(`${hook.table} ${hook.hook}`)) throw new Error(`iptables: more than one chain at ${hook.table} ${hook.hook} (an ACCEPT would end them all)`);
    seen.add(`${hook.table} ${hook.hook}`);
    if (!names.has(hook.chain)) throw new Error(`iptables: hook chain ${hook.chain} is not defined`);
  }
  const maps = new Set<string>();
  for (const map of program.maps) {
    if (maps.has(map.name)) throw new Error(`iptables: map ${map.name} is defined twice`);
    maps.add(map.name);
    for (const entry of map.entries) {
      assertInterfaceName(entry.interface);
      if (!names.has(entry.target)) throw new Error(`iptables: map ${map.name} goes to unknown chain ${entry.target}`);
    }
  }
  for (const chain of program.chains) {
    for (const rule of chain.rules) {
      for (const action of rule.actions) {
        if ((action.kind === 'jump' || action.kind === 'goto') && !names.has(action.target)) {
          throw new Error(`iptables: ${chain.name} goes to unknown chain ${action.target}`);
        }
      }
    }
  }
  const usage = setUsageErrors(program);
  if (usage.length > 0) throw new Error(`iptables: ${usage.join('; ')}`);
}

/** Names of the chains the hooks reach. */
export function reachableChains(hooks: readonly Hook[], chains: ReadonlyMap<string, readonly Rule[]>): Set<string> {
  const reached = new Set<string>();
  const queue = hooks.map((h) => h.chain);
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (reached.has(name)) continue;
    reached.add(name);
    for (const rule of chains.get(name) ?? []) {
      for (const action of rule.actions) if (action.kind === 'jump' || action.kind === 'goto') queue.push(action.target);
    }
  }
  return reached;
}

/** Matches in the order the emitter writes them and the decoder reads them (the rule itself when they are). */
function inCanonicalOrder(rule: Rule): Rule {
  const matches = sortMatches(rule.matches);
  return matches.every((match, index) => match === rule.matches[index]) ? rule : { ...rule, matches };
}

/** Deep equality of plain data (rules, matches, actions; an origin is usually the same object). */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** Verdicts lowerRule writes as they come (statements such as setMark and log are rewritten). */
const PLAIN_VERDICTS = new Set<Rule['actions'][number]['kind']>(['accept', 'drop', 'reject', 'return', 'jump', 'goto']);

/**
 * A rule lowerRule gives back as an equal copy, told without lowering it: one plain
 * verdict, and no match but one mark match in canonical form (a value inside its mask).
 * Hook and structure rules (returns, drops, jumps) are mostly of this shape.
 */
export function alreadyFlat(rule: Rule): boolean {
  const [action, ...moreActions] = rule.actions;
  if (!action || moreActions.length > 0 || !PLAIN_VERDICTS.has(action.kind)) return false;
  const [match, ...moreMatches] = rule.matches;
  if (!match) return true;
  if (moreMatches.length > 0 || match.kind !== 'mark') return false;
  return match.mask >>> 0 === match.mask && match.value >>> 0 === match.value && (match.value & ~match.mask) === 0;
}

/*
 * Most rules the IR does not share are already one iptables rule, and lower to an equal
 * copy of themselves. The lowered program keeps the source rule instead: with the IR
 * program still alive (it is while it is lowered), a whole cluster would otherwise hold
 * them twice. Canonical order and the family split keep such a rule as it is. The common
 * ones are recognised without lowering them (alreadyFlat): what lowering allocates for a
 * whole cluster outlives V8's young generation and stays in the heap until a full GC.
 */
function lowerUnshared(rule: Rule, context: RuleContext): Rule[] {
  if (alreadyFlat(rule)) return [rule];
  const lowered = lowerRule(rule, context);
  return lowered.length === 1 && sameData(lowered[0], rule) ? [rule] : lowered;
}

/*
 * The IR shares (and freezes) the rules that are the same in every endpoint chain. Lowering
 * such a rule gives the same rules every time (helper chains are found by content, a map's
 * chain is named at its first use, which stays first), so each is lowered once and its
 * results are shared and frozen too; a whole-cluster program would otherwise hold millions
 * of equal copies. Rules that are not shared are lowered as they come.
 */
function sharedLowering(rule: Rule, context: RuleContext, loweredShared: Map<Rule, readonly Rule[]>): Rule[] {
  if (!Object.isFrozen(rule)) return lowerUnshared(rule, context);
  let lowered = loweredShared.get(rule);
  if (!lowered) {
    lowered = Object.freeze(lowerRule(rule, context).map((out) => Object.freeze(out)));
    loweredShared.set(rule, lowered);
  }
  return [...lowered];
}

/** Canonical order is a function of the rule alone, so its shared results can outlive one lowering. */
const canonicalShared = new WeakMap<Rule, Rule>();

function canonicalOnce(rule: Rule): Rule {
  if (!Object.isFrozen(rule)) return inCanonicalOrder(rule);
  let canonical = canonicalShared.get(rule);
  if (!canonical) canonicalShared.set(rule, (canonical = Object.freeze(inCanonicalOrder(rule))));
  return canonical;
}

/*
 * Why the whole program is lowered at once, not chain by chain as its lines are written.
 * What lowering one chain depends on is known only after every chain is lowered: the
 * helper chains (found by content; declared, and written, before the chains using them,
 * whose names sort after `calpol-`), the chains the hooks reach (a rule nothing satisfies
 * lowers to nothing), and which use of a map gets its readable name (the first, in
 * chain-name order). A lazy form is possible and gives the same bytes: a first pass that
 * keeps only the helpers and each chain's jump targets, then each chain lowered again
 * while each file (IPv4, IPv6) is written. Tried on the large generated cluster (50 000
 * endpoints; the compile-cluster-iptables step, same code otherwise), it was slower
 * (15-18 s against 13-16 s) and its peak RSS higher (1 094-1 119 MiB against about
 * 1 025): V8 promotes (and pretenures) much of what three lowerings allocate, and no
 * full GC runs before the peak, so that garbage outweighs the ~100 MiB the lowered chains
 * hold once lowered (mostly the IR's own rules: lowerUnshared, sharedLowering).
 */
export function lowerForIptables(program: Program): Program {
  checkProgram(program);
  const sets: AddressSet[] = lowerSets(program.sets);
  const setTypes: SetTypes = new Map(sets.map((s) => [s.name, s.type]));
  const irNames = new Set(program.chains.map((c) => c.name));
  const taken = new Set(irNames);
  for (const hook of program.hooks) {
    const top = topChainName(hook.table, hook.hook);
    if (irNames.has(top)) throw new Error(`iptables: chain name ${top} is reserved for the chain under ${hook.table} ${hook.hook}`);
    taken.add(top);
  }
  const helpers = new HelperChains(taken);
  // The flag bit depends on the whole program: find it once, on first use.
  let flag: number | undefined;
  const context: RuleContext = {
    sets: setTypes,
    maps: new Map(program.maps.map((m) => [m.name, m])),
    helper: (prefix, rules) => helpers.byContent(prefix, rules),
    jumpMap: (map, on) => jumpMapChain(helpers, map, on),
    flag: () => (flag ??= flagBit(program)),
  };
  // Per lowering: a lowered rule depends on this program's helper chains and maps.
  const loweredShared = new Map<Rule, readonly Rule[]>();
  // Chains in name order: the first use of a map names its chain, whatever the input order.
  const sources = [...program.chains].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Each chain is finished as soon as it is lowered: its intermediate lists die young.
  const finish = (rules: readonly Rule[]) => normaliseFamilies(rules.map(canonicalOnce), setTypes);
  const lowered = new Map<string, Rule[]>();
  for (const chain of sources) lowered.set(chain.name, finish(chain.rules.flatMap((r) => sharedLowering(r, context, loweredShared))));
  for (const [name, rules] of helpers.chains) lowered.set(name, finish(rules));
  const hooks = [...program.hooks].sort(compareHooks).map((h) => ({ ...h }));
  const reached = reachableChains(hooks, lowered);
  const chains: Chain[] = [...lowered]
    .filter(([name]) => reached.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, rules]) => ({ name, rules }));
  return { hooks, chains, sets, maps: [] };
}
