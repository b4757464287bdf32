import { matchFamily as irMatchFamily } from '../../ir/index.js';
import type { Match, Rule, SetType } from '../../ir/index.js';
import { canonicalJson } from './names.js';

/**
 * IPv4 and IPv6 rules live in two files (iptables, ip6tables). A lowered rule goes to the
 * file(s) of its family: the one its matches imply (a net, a set of that family, an ICMP
 * match) or its explicit `family` match; a rule with neither goes to both files.
 *
 * Decoding reads the two files back as two rule lists per chain and merges them
 * (`mergeFamilies`). Any order-preserving merge that pairs equal rules as "both
 * families" keeps the meaning: for an IPv4 packet the merged chain runs exactly the IPv4
 * file's rules in order (the IPv6-only rules do not match it), and likewise for IPv6.
 * The lowering ends with `normaliseFamilies` = merge ∘ split, so that decoding
 * reproduces the lowered program exactly (merge ∘ split ∘ merge ∘ split = merge ∘ split).
 */

export type SetTypes = ReadonlyMap<string, SetType>;

/** The family one match restricts a packet to (negated or not), if any. */
export function matchFamily(match: Match, sets: SetTypes): 4 | 6 | undefined {
  return irMatchFamily(match, (name) => sets.get(name));
}

/** The family a rule's matches other than `family` imply; 'both' when none does. */
export function impliedFamily(matches: readonly Match[], sets: SetTypes): 4 | 6 | 'both' {
  for (const match of matches) {
    if (match.kind === 'family') continue;
    const family = matchFamily(match, sets);
    if (family) return family;
  }
  return 'both';
}

/** The family of a lowered rule: explicit or implied (lowered rules never disagree). */
export function ruleFamily(rule: Rule, sets: SetTypes): 4 | 6 | 'both' {
  const explicit = rule.matches.find((m) => m.kind === 'family');
  return explicit?.kind === 'family' ? explicit.version : impliedFamily(rule.matches, sets);
}

const withoutFamilyShared = new WeakMap<Rule, Rule>();

/** The rule without its family matches (itself when it has none); a shared (frozen) rule's result is computed once and shared too. */
function withoutFamily(rule: Rule): Rule {
  if (!rule.matches.some((m) => m.kind === 'family')) return rule;
  if (!Object.isFrozen(rule)) return { ...rule, matches: rule.matches.filter((m) => m.kind !== 'family') };
  let result = withoutFamilyShared.get(rule);
  if (!result) withoutFamilyShared.set(rule, (result = Object.freeze({ ...rule, matches: rule.matches.filter((m) => m.kind !== 'family') })));
  return result;
}

/** The rules of a chain as each file holds them (explicit family matches are not written). */
export function splitFamilies(rules: readonly Rule[], sets: SetTypes): { v4: Rule[]; v6: Rule[] } {
  const v4: Rule[] = [];
  const v6: Rule[] = [];
  for (const rule of rules) {
    const family = ruleFamily(rule, sets);
    if (family !== 6) v4.push(withoutFamily(rule));
    if (family !== 4) v6.push(withoutFamily(rule));
  }
  return { v4, v6 };
}

const ruleKey = (rule: Rule): string => canonicalJson(rule);

/** A family's rule list with each rule's implied family and, where the merge compares it, its key. */
interface MergeSide {
  implied: (4 | 6 | 'both')[];
  keys: (string | undefined)[];
}

/**
 * Keys (canonical JSON, the costly part) only for the rules whose key the merge reads: it
 * compares a rule only when the rule is not bound to its own list's family. Equal keys
 * mean equal matches, hence the same implied family, so no other key can be equal to one
 * that is read.
 */
function mergeSide(rules: readonly Rule[], own: 4 | 6, sets: SetTypes, allKeys: boolean): MergeSide {
  const implied = rules.map((rule) => impliedFamily(rule.matches, sets));
  const keys = rules.map((rule, i) => (allKeys || implied[i] !== own ? ruleKey(rule) : undefined));
  return { implied, keys };
}

function onlyIn(rule: Rule, implied: 4 | 6 | 'both', version: 4 | 6): Rule {
  if (implied !== 'both') return rule;
  return { ...rule, matches: [{ kind: 'family', version }, ...rule.matches] };
}

/**
 * Merges a chain's IPv4 and IPv6 rule lists (see above). Greedy: a rule only one family
 * can match is taken as it comes; equal rules at both heads are one rule for both
 * families; otherwise the head that the other list still holds later is the shared one,
 * and the other head is taken as single-family.
 */
export function mergeFamilies(v4: readonly Rule[], v6: readonly Rule[], sets: SetTypes): Rule[] {
  const a = mergeSide(v4, 4, sets, false);
  // An IPv4 rule implying IPv6 (only in malformed input) is looked up among the IPv6-only rules too.
  const b = mergeSide(v6, 6, sets, a.implied.includes(6));
  return mergeSides(v4, v6, a, b);
}

function mergeSides(v4: readonly Rule[], v6: readonly Rule[], a: MergeSide, b: MergeSide): Rule[] {
  const out: Rule[] = [];
  /** How many rules with each key the IPv6 list holds from position j on. */
  const left = new Map<string, number>();
  for (const key of b.keys) if (key !== undefined) left.set(key, (left.get(key) ?? 0) + 1);
  let i = 0;
  let j = 0;
  const takeA = () => {
    out.push(onlyIn(v4[i] as Rule, a.implied[i] as 4 | 6 | 'both', 4));
    i++;
  };
  const passB = () => {
    const key = b.keys[j];
    if (key !== undefined) left.set(key, (left.get(key) as number) - 1);
    j++;
  };
  const takeB = () => {
    out.push(onlyIn(v6[j] as Rule, b.implied[j] as 4 | 6 | 'both', 6));
    passB();
  };
  while (i < v4.length && j < v6.length) {
    if (a.implied[i] === 4) takeA();
    else if (b.implied[j] === 6) takeB();
    else if (a.keys[i] === b.keys[j]) {
      out.push(v4[i] as Rule);
      i++;
      passB();
    } else if ((left.get(a.keys[i] as string) ?? 0) > 0) takeB();
    else takeA();
  }
  while (i < v4.length) takeA();
  while (j < v6.length) takeB();
  return out;
}

/**
 * merge ∘ split. When every rule's family is the one its matches imply (explicit family
 * matches only restate it), the rules for both families are the same rules in the same
 * order in both lists, and each meets itself at the heads of the merge. The merge then
 * takes, before each rule for both families, the IPv4-only rules since the previous one,
 * then the IPv6-only ones: written out directly, without splitting or comparing rules.
 */
export function normaliseFamilies(rules: readonly Rule[], sets: SetTypes): Rule[] {
  const implied = rules.map((rule) => impliedFamily(rule.matches, sets));
  const restated = rules.every((rule, index) => {
    const explicit = rule.matches.find((m) => m.kind === 'family');
    return explicit?.kind !== 'family' || explicit.version === implied[index];
  });
  if (!restated) {
    const { v4, v6 } = splitFamilies(rules, sets);
    return mergeFamilies(v4, v6, sets);
  }
  // Every rule is written once: sized up front, the list a whole cluster keeps per chain has no spare room.
  const out = new Array<Rule>(rules.length);
  let written = 0;
  let v4Only: Rule[] = [];
  let v6Only: Rule[] = [];
  const flush = () => {
    for (const rule of v4Only) out[written++] = rule;
    for (const rule of v6Only) out[written++] = rule;
    [v4Only, v6Only] = [[], []];
  };
  rules.forEach((rule, index) => {
    const family = implied[index];
    if (family === 4) v4Only.push(withoutFamily(rule));
    else if (family === 6) v6Only.push(withoutFamily(rule));
    else {
      flush();
      out[written++] = withoutFamily(rule);
    }
  });
  flush();
  return out;
}
