import type { Policy, Tier } from '../model/index.js';

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

const isGlobalKind = (policy: Policy) => policy.namespace === undefined;

/** Upstream's tie-break string: `<name>/<namespace>/<kind>`. */
export function upstreamTieKey(policy: Policy): string {
  return `${policy.name}/${policy.namespace ?? ''}/${policy.kind}`;
}

function compareTieCalpol(a: Policy, b: Policy): number {
  if (isGlobalKind(a) !== isGlobalKind(b)) return isGlobalKind(a) ? -1 : 1;
  return (
    compareBytes(a.namespace ?? '', b.namespace ?? '') ||
    compareBytes(a.name, b.name) ||
    compareBytes(a.kind, b.kind)
  );
}

/** Policy order inside a tier: `order` ascending with nil = +infinity, then the tie-break. */
export function comparePolicies(tieBreak: TieBreak): (a: Policy, b: Policy) => number {
  return (a, b) => {
    const aOrder = a.order ?? Infinity;
    const bOrder = b.order ?? Infinity;
    if (aOrder !== bOrder) return aOrder < bOrder ? -1 : 1;
    return tieBreak === 'upstream' ? compareBytes(upstreamTieKey(a), upstreamTieKey(b)) : compareTieCalpol(a, b);
  };
}
