import { compareSpans, report, syntheticSpan, type Diagnostic, type Span } from '../../diag/index.js';
import type { TierResource } from '../resources.js';
import type { DeclaredTier, Policy, Tier, TierDefaultAction } from '../types.js';
import { missingTier } from './rules.js';

/** The built-in tiers (libcalico-go names/policy.go, v3.32+): always present. */
export const BUILT_IN_TIERS: readonly { name: string; order: number; defaultAction: TierDefaultAction }[] = [
  { name: 'kube-admin', order: 1000, defaultAction: 'Pass' },
  { name: 'default', order: 1_000_000, defaultAction: 'Deny' },
  { name: 'kube-baseline', order: 10_000_000, defaultAction: 'Pass' },
];

function definedTier(resource: TierResource, builtIn: (typeof BUILT_IN_TIERS)[number] | undefined): Tier {
  const tier: Tier = {
    name: resource.metadata.name,
    defaultAction: resource.spec.defaultAction ?? builtIn?.defaultAction ?? 'Deny',
    builtIn: builtIn !== undefined,
    defined: true,
    span: resource.span,
  };
  const order = resource.spec.order ?? builtIn?.order;
  if (order !== undefined) tier.order = order;
  return tier;
}

/**
 * Built-in tiers, Tier resources (merged into a built-in of the same name) and tiers that
 * only policies name (`defined: false`, reported once at the first referencing policy).
 * `tierSpans` maps a policy key to the span of its `tier` value, when written.
 * `tierResources` holds at most one resource per name (duplicates removed earlier).
 */
export function buildTiers(
  tierResources: readonly TierResource[],
  policies: readonly Policy[],
  tierSpans: ReadonlyMap<string, Span> = new Map(),
  declaredTiers: readonly DeclaredTier[] = [],
): { tiers: Tier[]; diagnostics: Diagnostic[] } {
  const tiers = new Map<string, Tier>();
  for (const builtIn of BUILT_IN_TIERS) {
    tiers.set(builtIn.name, { ...builtIn, builtIn: true, defined: true, span: syntheticSpan() });
  }
  // Declared on the command line: defined, with the order given (a Tier resource in the
  // inputs, read next, takes precedence).
  for (const declared of declaredTiers) {
    if (tiers.has(declared.name)) continue;
    const tier: Tier = { name: declared.name, defaultAction: 'Deny', builtIn: false, defined: true, span: syntheticSpan() };
    if (declared.order !== undefined) tier.order = declared.order;
    tiers.set(declared.name, tier);
  }
  for (const resource of tierResources) {
    const builtIn = BUILT_IN_TIERS.find((t) => t.name === resource.metadata.name);
    tiers.set(resource.metadata.name, definedTier(resource, builtIn));
  }

  // The first reference (by span) represents an undefined tier, so the result does not
  // depend on input order.
  const firstReference = new Map<string, { policy: Policy; span: Span }>();
  for (const policy of policies) {
    if (tiers.has(policy.tier)) continue;
    const span = tierSpans.get(policy.key) ?? policy.span;
    const seen = firstReference.get(policy.tier);
    if (!seen || compareSpans(span, seen.span) < 0) firstReference.set(policy.tier, { policy, span });
  }
  const diagnostics: Diagnostic[] = [];
  for (const [name, { policy, span }] of firstReference) {
    tiers.set(name, { name, defaultAction: 'Deny', builtIn: false, defined: false, span });
    diagnostics.push(
      report(missingTier, 'missingTier', span, { tier: name, policy: policy.key }, {
        help: `pass the file that defines Tier ${name} too, or, when the tier is managed elsewhere, declare it with --tier ${name}[:ORDER]`,
      }),
    );
  }
  return { tiers: [...tiers.values()].sort((a, b) => compareText(a.name, b.name)), diagnostics };
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
