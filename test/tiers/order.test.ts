import { describe, expect, it } from 'vitest';
import { syntheticSpan } from '../../src/diag/index.js';
import type { Policy, Tier } from '../../src/model/index.js';
import { comparePolicies, compareTiers } from '../../src/tiers/index.js';
import { testPolicy } from '../helpers/policy.js';

function policy(kind: Policy['kind'], name: string, namespace?: string, order?: number): Policy {
  return testPolicy({ kind, name, namespace, order });
}

function tier(name: string, order: number | undefined, defined = true): Tier {
  const t: Tier = { name, defaultAction: 'Deny', builtIn: false, defined, span: syntheticSpan() };
  if (order !== undefined) t.order = order;
  return t;
}

const names = (policies: Policy[]) => policies.map((p) => `${p.kind}:${p.namespace ?? ''}/${p.name}`);

describe('tier order (Felix TierLess)', () => {
  it('defined before undefined, ordered before nil, ascending, then name', () => {
    const tiers = [tier('zeta', undefined), tier('ghost', 1, false), tier('b', 5), tier('a', 5), tier('first', 1), tier('default', 1_000_000)];
    expect(tiers.sort(compareTiers).map((t) => t.name)).toEqual(['first', 'a', 'b', 'default', 'zeta', 'ghost']);
  });
});

describe('policy order inside a tier', () => {
  const policies = [
    policy('NetworkPolicy', 'a', 'zz'),
    policy('GlobalNetworkPolicy', 'z'),
    policy('NetworkPolicy', 'b', 'aa'),
    policy('KubernetesNetworkPolicy', 'a', 'zz'),
    policy('GlobalNetworkPolicy', 'm', undefined, 5),
    policy('NetworkPolicy', 'n', 'aa', -1.5),
  ];

  it('calpol: order, then global before namespaced, namespace, name, kind', () => {
    expect(names([...policies].sort(comparePolicies('calpol')))).toEqual([
      'NetworkPolicy:aa/n',
      'GlobalNetworkPolicy:/m',
      'GlobalNetworkPolicy:/z',
      'NetworkPolicy:aa/b',
      'KubernetesNetworkPolicy:zz/a',
      'NetworkPolicy:zz/a',
    ]);
  });

  it('upstream: order, then bytewise name/namespace/kind (Felix v3.32 PolKVLess)', () => {
    expect(names([...policies].sort(comparePolicies('upstream')))).toEqual([
      'NetworkPolicy:aa/n',
      'GlobalNetworkPolicy:/m',
      'KubernetesNetworkPolicy:zz/a',
      'NetworkPolicy:zz/a',
      'NetworkPolicy:aa/b',
      'GlobalNetworkPolicy:/z',
    ]);
  });
});
