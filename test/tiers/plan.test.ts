import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticSpan } from '../../src/diag/index.js';
import { canonicalPolicies, comparePolicyIdentity, isCanonicalPolicyList, type Endpoint, type Policy, type PolicySet, type Tier } from '../../src/model/index.js';
import { matches, type Selector } from '../../src/selector/index.js';
import { buildTierPlan, comparePolicies, compareTiers, planFor, policiesByTier, type TieBreak } from '../../src/tiers/index.js';
import { selectorOf, testPolicy } from '../helpers/policy.js';

const seed = Number(process.env.CALPOL_PROPERTY_SEED ?? 20_261_123);

const selectorTexts = ['all()', "app == 'web'", "app == 'db'", 'has(app)', "!has(app) || role == 'x'", "app in {'web', 'db'} && role != 'x'"];
const selectors: Selector[] = selectorTexts.map(selectorOf);

const kinds = ['GlobalNetworkPolicy', 'NetworkPolicy', 'KubernetesNetworkPolicy', 'StagedNetworkPolicy', 'StagedGlobalNetworkPolicy'] as const;
const tierNames = ['security', 'default', 'platform'];

const policyArbitrary = fc.record({
  kind: fc.constantFrom(...kinds),
  name: fc.constantFrom('a', 'b', 'c', 'a-1'),
  namespace: fc.constantFrom('ns1', 'ns2', 'default'),
  tier: fc.constantFrom(...tierNames),
  order: fc.option(fc.constantFrom(-1.5, 0, 10, 10, 100, 1000), { nil: undefined }),
  selector: fc.nat(selectors.length - 1),
  ingress: fc.boolean(),
  egress: fc.boolean(),
});

type DrawnPolicy = Omit<typeof policyArbitrary extends fc.Arbitrary<infer T> ? T : never, 'name' | 'order'> & { name: string; order: number | undefined };

function policyOf(drawn: DrawnPolicy): Policy {
  return testPolicy({
    ...drawn,
    selector: selectors[drawn.selector] as Selector,
    appliesTo: { ingress: drawn.ingress, egress: drawn.egress },
  });
}

/** Policies with distinct identities (kind, namespace, name), as normalize guarantees. */
const policiesArbitrary = fc
  .uniqueArray(policyArbitrary, { maxLength: 40, selector: (p) => `${p.kind}/${p.kind.includes('Global') ? '' : p.namespace}/${p.name}` })
  .map((drawn) => drawn.map(policyOf));

const endpointArbitrary = fc.record({
  app: fc.option(fc.constantFrom('web', 'db', 'cache'), { nil: undefined }),
  role: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }),
});

function endpointsOf(drawn: { app?: string | undefined; role?: string | undefined }[]): Endpoint[] {
  return drawn.map((labels, index) => {
    const own: Record<string, string> = {};
    if (labels.app !== undefined) own.app = labels.app;
    if (labels.role !== undefined) own.role = labels.role;
    return {
      key: `workload/ns1/pod-${String(index).padStart(3, '0')}`,
      kind: 'workload',
      name: `pod-${index}`,
      namespace: 'ns1',
      addresses: [],
      labels: own,
      ownLabels: own,
      profiles: [],
      namedPorts: [],
      source: 'Pod',
      span: syntheticSpan(),
    };
  });
}

const tiers: Tier[] = [
  { name: 'default', defaultAction: 'Deny', builtIn: true, defined: true, order: 1_000_000, span: syntheticSpan() },
  { name: 'security', defaultAction: 'Deny', builtIn: false, defined: true, order: 100, span: syntheticSpan() },
  { name: 'platform', defaultAction: 'Pass', builtIn: false, defined: true, order: 200, span: syntheticSpan() },
];

const policySetOf = (policies: readonly Policy[]): PolicySet => ({ tiers, policies, profiles: [], networkSets: [], ipPools: [] });

/** Each tier's policies by the definition: group, then sort with the comparator. */
function expectedByTier(policies: readonly Policy[], tieBreak: TieBreak): Map<string, string[]> {
  const expected = new Map<string, string[]>();
  for (const name of tierNames) {
    const sorted = policies.filter((p) => p.tier === name).sort(comparePolicies(tieBreak));
    if (sorted.length > 0) expected.set(name, sorted.map((p) => p.key));
  }
  return expected;
}

const keysByTier = (byTier: Map<string, Policy[]>) => new Map([...byTier].map(([tier, list]) => [tier, list.map((p) => p.key)]));

describe('policiesByTier', () => {
  it('gives the comparator sort for any input order, canonical or not, with either tie-break (fast-check, seeded)', () => {
    fc.assert(
      fc.property(policiesArbitrary, fc.constantFrom<TieBreak>('calpol', 'upstream'), (policies, tieBreak) => {
        const canonical = canonicalPolicies(policies);
        const expected = expectedByTier(policies, tieBreak);
        expect(keysByTier(policiesByTier(policies, tieBreak))).toEqual(expected);
        expect(keysByTier(policiesByTier(canonical, tieBreak, true))).toEqual(expected);
        expect(keysByTier(policiesByTier(canonical, tieBreak))).toEqual(expected);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('sorts a NaN order the way the comparator does (no stable grouping)', () => {
    const [first, second] = canonicalPolicies([
      policyOf({ kind: 'NetworkPolicy', name: 'a', namespace: 'ns1', tier: 'default', order: 5, selector: 0, ingress: true, egress: false }),
      policyOf({ kind: 'NetworkPolicy', name: 'b', namespace: 'ns1', tier: 'default', order: 1, selector: 0, ingress: true, egress: false }),
    ]) as [Policy, Policy];
    const withNaN = [{ ...first, order: Number.NaN }, second];
    expect(policiesByTier(withNaN, 'calpol', true).get('default')?.map((p) => p.name)).toEqual(
      [...withNaN].sort(comparePolicies('calpol')).map((p) => p.name),
    );
  });
});

describe('canonical policy lists', () => {
  it('are frozen, recognised, and copies of them are not', () => {
    const canonical = canonicalPolicies([
      policyOf({ kind: 'NetworkPolicy', name: 'b', namespace: 'ns1', tier: 'default', order: undefined, selector: 0, ingress: true, egress: false }),
      policyOf({ kind: 'GlobalNetworkPolicy', name: 'z', namespace: 'ns1', tier: 'default', order: undefined, selector: 0, ingress: true, egress: false }),
    ]);
    expect(Object.isFrozen(canonical)).toBe(true);
    expect(isCanonicalPolicyList(canonical)).toBe(true);
    expect(isCanonicalPolicyList([...canonical])).toBe(false);
    expect(canonical.map((p) => p.key)).toEqual(['GlobalNetworkPolicy//z', 'NetworkPolicy/ns1/b']);
  });

  it('are in comparePolicyIdentity order even for names holding a NUL (which validation rejects)', () => {
    const drawn = { kind: 'NetworkPolicy' as const, namespace: 'ns1' as const, tier: 'default' as const, order: undefined, selector: 0, ingress: true, egress: false };
    const policies = ['a', 'a\u0000A', 'a-', 'a\u0001'].map((name) => policyOf({ ...drawn, name }));
    expect(canonicalPolicies(policies).map((p) => p.name)).toEqual([...policies].sort(comparePolicyIdentity).map((p) => p.name));
  });
});

describe('planFor', () => {
  it("lists, per tier in order, exactly the policies that select the endpoint and apply to the direction (fast-check, seeded)", () => {
    fc.assert(
      fc.property(policiesArbitrary, fc.array(endpointArbitrary, { minLength: 1, maxLength: 12 }), fc.boolean(), (policies, drawnEndpoints, canonical) => {
        const endpoints = endpointsOf(drawnEndpoints);
        const plan = buildTierPlan(policySetOf(canonical ? canonicalPolicies(policies) : policies), { endpoints });
        const orderedTiers = [...tiers].sort(compareTiers);
        for (const endpoint of endpoints) {
          for (const direction of ['ingress', 'egress'] as const) {
            const expected = orderedTiers.flatMap((tier) => {
              const applied = policies
                .filter((p) => p.tier === tier.name && p.appliesTo[direction] && matches(p.selector, endpoint.labels))
                .sort(comparePolicies('calpol'))
                .map((p) => p.key);
              return applied.length > 0 ? [{ tier: tier.name, policies: applied }] : [];
            });
            const actual = planFor(plan, endpoint, direction).tiers.map((applied) => ({ tier: applied.tier.name, policies: applied.policies.map((p) => p.key) }));
            expect(actual).toEqual(expected);
          }
        }
      }),
      { seed, numRuns: 200 },
    );
  });
});
