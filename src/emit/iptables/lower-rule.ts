import type { Action, InterfaceMap, Match, Origin, Rule } from '../../ir/index.js';
import { sanitizeLogPrefix } from './comment.js';
import { conjunctionOf, NEVER } from './conjunction.js';
import { impliedFamily, type SetTypes } from './family.js';
import { HELPER_PREFIX } from './names.js';
import { branchesOf, shapeOf, sortMatches, type Shape } from './shape.js';

/**
 * One IR rule → the flat rules that replace it in its chain, plus helper chains
 * registered in the context. The scheme, and why it keeps the meaning, is in lower.ts.
 */

export interface RuleContext {
  sets: SetTypes;
  maps: ReadonlyMap<string, InterfaceMap>;
  /** Registers a helper chain under a name derived from its content. */
  helper(prefix: string, rules: Rule[]): string;
  /** The dispatch chain of a map whose entries all jump (shared by every use). */
  jumpMap(map: InterfaceMap, on: 'inInterface' | 'outInterface'): string;
  /** The scratch mark bit of the flag scheme (one free bit of the program). */
  flag(): number;
}

type Statement = Exclude<Action, { kind: 'dispatch' }>;
type Dispatch = Extract<Action, { kind: 'dispatch' }>;
const NON_TERMINAL = new Set<Action['kind']>(['setMark', 'log', 'notrack']);

const rule = (matches: Match[], action: Action, origin: Origin): Rule => ({ matches, actions: [action], origin });

function normaliseStatement(action: Statement): Statement {
  if (action.kind === 'setMark') {
    // IR: mark = (mark & ~mask) | value; --set-xmark XORs, so the mask must cover the value.
    const value = action.value >>> 0;
    return { kind: 'setMark', mask: (action.mask | value) >>> 0, value };
  }
  if (action.kind === 'log') return { kind: 'log', prefix: sanitizeLogPrefix(action.prefix) };
  return { ...action };
}

/**
 * What runs when the condition holds, as the flat rules see it: `single` acts by itself;
 * several statements live in a `do` chain (one rule each; a final jump/goto X is `-g X`,
 * a final return is the chain's end).
 */
interface Effect {
  single?: Statement;
  chain?: string;
}

function effectOf(statements: readonly Statement[], origin: Origin, ctx: RuleContext): Effect {
  if (statements.length === 1) return { single: statements[0] as Statement };
  const body = statements.flatMap((s): Rule[] => {
    if (s.kind === 'return') return [];
    if (s.kind === 'jump' || s.kind === 'goto') return [rule([], { kind: 'goto', target: s.target }, origin)];
    return [rule([], s, origin)];
  });
  return { chain: ctx.helper(HELPER_PREFIX.do, body) };
}

/** From the rule's own chain: `do` is entered by jump in call mode, by goto in tail mode. */
function actionInChain(effect: Effect, mode: 'call' | 'tail'): Action {
  return effect.single ?? { kind: mode === 'call' ? 'jump' : 'goto', target: effect.chain as string };
}

/** From a helper of a call-mode rule (entered by jump, then gotos): a jump becomes a goto. */
function actionInHelper(effect: Effect): Action {
  if (effect.chain) return { kind: 'goto', target: effect.chain };
  const single = effect.single as Statement;
  return single.kind === 'jump' ? { kind: 'goto', target: single.target } : single;
}

interface Lowering {
  shapes: Shape[];
  family?: 4 | 6;
  origin: Origin;
  ctx: RuleContext;
}

/** Matches of one flat rule: canonical order, plus `family` when its matches no longer imply it. */
function flat(lowering: Lowering, matches: Match[]): Match[] {
  const sorted = sortMatches(matches);
  const { family, ctx } = lowering;
  return family !== undefined && impliedFamily(sorted, ctx.sets) === 'both' ? [{ kind: 'family', version: family }, ...sorted] : sorted;
}

/**
 * A call-mode shape: the inline combinations in the chain, each entering the first helper
 * by jump (or doing the effect itself when there is none); helpers fail by RETURN.
 */
function callModeRules(lowering: Lowering, shape: Shape, effect: Effect): Rule[] {
  const { origin, ctx } = lowering;
  let next: Action = actionInHelper(effect);
  let first: string | undefined;
  if (shape.negated.length > 0) {
    const rules = [...shape.negated.map((alt) => rule(flat(lowering, alt), { kind: 'return' }, origin)), rule(flat(lowering, []), next, origin)];
    first = ctx.helper(HELPER_PREFIX.not, rules);
    next = { kind: 'goto', target: first };
  }
  for (const block of [...shape.chained].reverse()) {
    first = ctx.helper(HELPER_PREFIX.or, block.map((alt) => rule(flat(lowering, alt), next, origin)));
    next = { kind: 'goto', target: first };
  }
  const entry: Action = first ? { kind: 'jump', target: first } : actionInChain(effect, 'call');
  return shape.combinations.map((combo) => rule(flat(lowering, combo), entry, origin));
}

/** Map entries in lookup order: exact names, then wildcards, longest prefix first (as the IR evaluator). */
export function entriesByPriority(map: InterfaceMap): InterfaceMap['entries'] {
  const exact = map.entries.filter((e) => !e.interface.endsWith('*'));
  const wildcards = map.entries.filter((e) => e.interface.endsWith('*')).sort((a, b) => b.interface.length - a.interface.length);
  const seen = new Set<string>();
  return [...exact, ...wildcards].filter((e) => !seen.has(e.interface) && seen.add(e.interface));
}

const isComplex = (shape: Shape): boolean => shape.chained.length > 0 || shape.negated.length > 0;

/**
 * The flag scheme, for a rule whose verdict acts on its chain's frame (return, goto, a
 * dispatch with goto entries) and whose condition needs helpers: clear bit F; evaluate
 * the condition in call mode with "statements, then set F" as its effect; then act on F
 * in the chain itself, clearing F before leaving. F is clear again on every path.
 */
function flagRules(lowering: Lowering, statements: Statement[], verdict: Statement | Dispatch): Rule[] {
  const { origin, ctx } = lowering;
  const bit = ctx.flag();
  const clear: Action = { kind: 'setMark', mask: bit, value: 0 };
  const isSet: Match = { kind: 'mark', mask: bit, value: bit, negate: false };
  const effect = effectOf([...statements, { kind: 'setMark', mask: bit, value: bit }], origin, ctx);
  const out = [rule([], clear, origin), ...lowering.shapes.flatMap((shape) => callModeRules(lowering, shape, effect))];
  const leave = (then: Rule[]) => ctx.helper(HELPER_PREFIX.do, [rule([], clear, origin), ...then]);
  if (verdict.kind === 'return') out.push(rule([isSet], { kind: 'goto', target: leave([]) }, origin));
  else if (verdict.kind === 'goto') out.push(rule([isSet], { kind: 'goto', target: leave([rule([], verdict, origin)]) }, origin));
  else if (verdict.kind === 'dispatch') {
    const map = lowering.ctx.maps.get(verdict.map) as InterfaceMap;
    for (const entry of entriesByPriority(map)) {
      // Clearing F before entering the target makes the entries below fail after a jump returns.
      const target = leave([rule([], { kind: 'goto', target: entry.target }, map.origin)]);
      out.push(rule([isSet, { kind: verdict.on, names: [entry.interface], negate: false }], { kind: entry.verdict, target }, map.origin));
    }
    out.push(rule([isSet], clear, origin));
  } else throw new Error(`bug: flag scheme for verdict ${verdict.kind}`);
  return out;
}

/** A dispatch with only goto entries, no statements and no helpers: one rule per (combination, entry). */
function inlineGotoEntries(lowering: Lowering, dispatch: Dispatch, map: InterfaceMap): Rule[] | undefined {
  const entries = entriesByPriority(map);
  if (entries.some((e) => e.verdict !== 'goto') || lowering.shapes.some(isComplex)) return undefined;
  const combos = lowering.shapes.flatMap((shape) => shape.combinations);
  if (combos.some((combo) => combo.some((m) => m.kind === dispatch.on))) return undefined;
  return combos.flatMap((combo) =>
    entries.map((entry) => rule(flat(lowering, [...combo, { kind: dispatch.on, names: [entry.interface], negate: false }]), { kind: 'goto', target: entry.target }, map.origin)),
  );
}

function dispatchRules(lowering: Lowering, statements: Statement[], dispatch: Dispatch): Rule[] {
  const map = lowering.ctx.maps.get(dispatch.map);
  if (!map) throw new Error(`iptables: dispatch to unknown map ${JSON.stringify(dispatch.map)}`);
  if (map.entries.length === 0) return statements.length > 0 ? statementRules(lowering, statements) : [];
  if (map.entries.every((e) => e.verdict === 'jump')) {
    return statementRules(lowering, [...statements, { kind: 'jump', target: lowering.ctx.jumpMap(map, dispatch.on) }]);
  }
  return (statements.length === 0 && inlineGotoEntries(lowering, dispatch, map)) || flagRules(lowering, statements, dispatch);
}

/** Statements ending in anything but a dispatch. */
function statementRules(lowering: Lowering, statements: Statement[]): Rule[] {
  const last = statements[statements.length - 1] as Statement;
  const tail = last.kind === 'return' || last.kind === 'goto';
  if (tail && lowering.shapes.some(isComplex)) return flagRules(lowering, statements.slice(0, -1), last);
  const effect = effectOf(statements, lowering.origin, lowering.ctx);
  if (!tail) return lowering.shapes.flatMap((shape) => callModeRules(lowering, shape, effect));
  const action = actionInChain(effect, 'tail');
  return lowering.shapes.flatMap((shape) => shape.combinations.map((combo) => rule(flat(lowering, combo), action, lowering.origin)));
}

/** The flat rules that replace `source` in its chain (helpers are registered in `ctx`). */
export function lowerRule(source: Rule, ctx: RuleContext): Rule[] {
  source.actions.forEach((action, index) => {
    if (!NON_TERMINAL.has(action.kind) && index !== source.actions.length - 1) throw new Error(`iptables: verdict ${action.kind} is not last`);
  });
  const conjunction = conjunctionOf(source.matches, ctx.sets);
  if (conjunction === NEVER || source.actions.length === 0) return [];
  const lowering: Lowering = { shapes: branchesOf(conjunction).map(shapeOf), origin: source.origin, ctx };
  if (conjunction.family !== undefined) lowering.family = conjunction.family;
  const last = source.actions[source.actions.length - 1] as Action;
  const statements = source.actions.filter((a): a is Statement => a.kind !== 'dispatch').map(normaliseStatement);
  if (last.kind === 'dispatch') return dispatchRules(lowering, statements, last);
  return statementRules(lowering, statements);
}
