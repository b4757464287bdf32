import { comparePolicyIdentity, type Policy, type Tier } from '../model/index.js';

/**
 * How policies with equal `order` in one tier are ordered.
 * - `calpol` (default, documented): global kinds before namespaced ones, then by
 *   namespace, then name, then kind.
 * - `upstream`: exactly Felix v3.32's PolKVLess: bytewise `<name>/<namespace>/<kind>`.
 * Lint warns wherever a verdict depends on which one is used (ambiguous-order).
 */
export type TieBreak = 'calpol' | 'upstream';

/** Bytewise comparison (names are ASCII, so UTF-16 order equals byte order). */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Felix's TierLess: tiers that exist before tiers only referenced by policies, then
 * ordered before nil order, then ascending order, then name.
 */
export function compareTiers(a: Tier, b: Tier): number {
  if (a.defined !== b.defined) return a.defined ? -1 : 1;
  const aHasOrder = a.order !== undefined;
  const bHasOrder = b.order !== undefined;
  if (aHasOrder !== bHasOrder) return aHasOrder ? -1 : 1;
  if (aHasOrder && bHasOrder && a.order !== b.order) return (a.order as number) - (b.order as number);
  return compareBytes(a.name, b.name);
}

/** Upstream's tie-break string: `<name>/<namespace>/<kind>`. */
export function upstreamTieKey(policy: Policy): string {
  return `${policy.name}/${policy.namespace ?? ''}/${policy.kind}`;
}

/** Policy order inside a tier: `order` ascending with nil = +infinity, then the tie-break. */
export function comparePolicies(tieBreak: TieBreak): (a: Policy, b: Policy) => number {
  return (a, b) => {
    const aOrder = a.order ?? Infinity;
    const bOrder = b.order ?? Infinity;
    if (aOrder !== bOrder) return aOrder < bOrder ? -1 : 1;
    return tieBreak === 'upstream' ? compareBytes(upstreamTieKey(a), upstreamTieKey(b)) : comparePolicyIdentity(a, b);
  };
}

const orderOf = (policy: Policy): number => policy.order ?? Infinity;

/** Whether the policies are in comparePolicyIdentity order (one comparison per neighbour pair). */
function inIdentityOrder(policies: readonly Policy[]): boolean {
  for (let index = 1; index < policies.length; index++) {
    if (comparePolicyIdentity(policies[index - 1] as Policy, policies[index] as Policy) >= 0) return false;
  }
  return true;
}

function groupByTier(policies: readonly Policy[]): Map<string, Policy[]> {
  const byTier = new Map<string, Policy[]>();
  for (const policy of policies) {
    const list = byTier.get(policy.tier);
    if (list) list.push(policy);
    else byTier.set(policy.tier, [policy]);
  }
  return byTier;
}

/**
 * Each tier's policies (by tier name) in evaluation order: the same lists as grouping by
 * tier and sorting each group with comparePolicies(tieBreak).
 *
 * Why not just that: at ten thousand policies in a large heap, each comparison reads two
 * policy records and their name strings from memory no cache holds any more, and the
 * n log n comparisons were most of the plan's time (growing 2.2-2.5x when the input
 * doubled). With the calpol tie-break, policies already in comparePolicyIdentity order only
 * need a stable grouping by tier and `order`: one linear pass. `knownInIdentityOrder` says
 * the caller knows they are (a list normalize sorted, see isCanonicalPolicyList); otherwise
 * the order is checked here. Any other input, or the upstream tie-break, is sorted.
 */
export function policiesByTier(policies: readonly Policy[], tieBreak: TieBreak, knownInIdentityOrder = false): Map<string, Policy[]> {
  const sortEach = () => {
    const byTier = groupByTier(policies);
    for (const list of byTier.values()) list.sort(comparePolicies(tieBreak));
    return byTier;
  };
  if (tieBreak !== 'calpol' || !(knownInIdentityOrder || inIdentityOrder(policies))) return sortEach();
  const byTierAndOrder = new Map<string, Map<number, Policy[]>>();
  for (const policy of policies) {
    const order = orderOf(policy);
    if (Number.isNaN(order)) return sortEach();
    let byOrder = byTierAndOrder.get(policy.tier);
    if (!byOrder) byTierAndOrder.set(policy.tier, (byOrder = new Map()));
    const group = byOrder.get(order);
    if (group) group.push(policy);
    else byOrder.set(order, [policy]);
  }
  const byTier = new Map<string, Policy[]>();
  for (const [tier, byOrder] of byTierAndOrder) {
    const orders = [...byOrder.keys()].sort((a, b) => a - b);
    byTier.set(tier, orders.flatMap((order) => byOrder.get(order) as Policy[]));
  }
  return byTier;
}
