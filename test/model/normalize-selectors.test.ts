import { describe, expect, it } from 'vitest';
import type { EntityRule, PolicySpec } from '../../src/model/resources.js';
import { normalize } from '../../src/model/normalize/index.js';
import type { Policy } from '../../src/model/types.js';
import { gnp, np, resource } from './normalize-helpers.js';

/**
 * The syncer's selector rewrites (docs/calico-semantics.md §1.6, upstream updateprocessors
 * networkpolicyprocessor / globalnetworkpolicyprocessor / rules.go getEndpointSelector),
 * asserted on the canonical form of the selector Felix ends up with.
 */

function onlyPolicy(resources: Parameters<typeof normalize>[0]): Policy {
  const { policySet } = normalize(resources);
  expect(policySet.policies).toHaveLength(1);
  return policySet.policies[0] as Policy;
}

const npSelector = (spec: PolicySpec) => onlyPolicy([np('prod', 'p', spec)]).selector.canonical;
const gnpSelector = (spec: PolicySpec) => onlyPolicy([gnp('g', spec)]).selector.canonical;

/** The rewritten source of an ingress rule in a NetworkPolicy (ns prod) or a GNP. */
function ruleSource(kind: 'np' | 'gnp', source: EntityRule) {
  const spec: PolicySpec = { ingress: [{ action: 'Allow', source }] };
  const policy = onlyPolicy([kind === 'np' ? np('prod', 'p', spec) : gnp('g', spec)]);
  const match = policy.ingress[0]!.source;
  return { selector: match.selector?.canonical, notSelector: match.notSelector?.canonical };
}

const NS = 'projectcalico.org/namespace == "prod"';

describe('policy selector: namespaced policies', () => {
  it.each([
    ['selector', { selector: "app == 'web'" }, `(app == "web" && ${NS})`],
    ['empty selector', {}, NS],
    ['blank selector', { selector: '' }, NS],
    ['serviceAccountSelector, no selector', { serviceAccountSelector: "role == 'x'" }, `(${NS} && pcsa.role == "x")`],
    [
      'selector and serviceAccountSelector',
      { selector: 'has(app)', serviceAccountSelector: "role in {'a','b'}" },
      `((has(app) && ${NS}) && pcsa.role in {"a", "b"})`,
    ],
    // Upstream replaces all() only for global policies.
    ['serviceAccountSelector all() is not replaced', { serviceAccountSelector: 'all()' }, `(${NS} && all())`],
  ])('%s', (_name, spec, expected) => {
    expect(npSelector(spec as PolicySpec)).toBe(expected);
  });

  it('applies to StagedNetworkPolicy the same way', () => {
    const policy = onlyPolicy([resource('StagedNetworkPolicy', { name: 's', namespace: 'prod' }, { selector: 'a == "b"' })]);
    expect(policy.selector.canonical).toBe(`(a == "b" && ${NS})`);
    expect(policy.staged).toBe(true);
    expect(policy.stagedAction).toBe('Set');
  });
});

describe('policy selector: global policies', () => {
  it.each([
    ['no selector', {}, 'all()'],
    ['selector only', { selector: "app == 'web'" }, 'app == "web"'],
    ['namespaceSelector only', { namespaceSelector: "team == 'a'" }, 'pcns.team == "a"'],
    ['namespaceSelector all()', { namespaceSelector: 'all()' }, 'has(projectcalico.org/namespace)'],
    [
      'selector and namespaceSelector all()',
      { selector: "app == 'x'", namespaceSelector: 'all()' },
      '(app == "x" && has(projectcalico.org/namespace))',
    ],
    // The replace is textual over the whole composed selector, user part included (upstream quirk).
    [
      "user all() is rewritten once a namespaceSelector is set",
      { selector: 'all()', namespaceSelector: "team == 'a'" },
      '(has(projectcalico.org/namespace) && pcns.team == "a")',
    ],
    ['serviceAccountSelector only', { serviceAccountSelector: "role == 'x'" }, 'pcsa.role == "x"'],
    ['serviceAccountSelector all()', { serviceAccountSelector: 'all()' }, 'has(projectcalico.org/serviceaccount)'],
    [
      'selector, namespaceSelector and serviceAccountSelector',
      { selector: "app == 'x'", namespaceSelector: "team == 'a'", serviceAccountSelector: "role == 'r'" },
      '((app == "x" && pcns.team == "a") && pcsa.role == "r")',
    ],
  ])('%s', (_name, spec, expected) => {
    expect(gnpSelector(spec as PolicySpec)).toBe(expected);
  });
});

describe('rule entity selectors (getEndpointSelector)', () => {
  it('a namespaced rule with only nets is not restricted to the namespace', () => {
    expect(ruleSource('np', { nets: ['10.0.0.0/8'] })).toEqual({ selector: undefined, notSelector: undefined });
  });

  it('a namespaced rule with only ports is not restricted to the namespace', () => {
    const policy = onlyPolicy([np('prod', 'p', { ingress: [{ action: 'Allow', protocol: 'TCP', source: { ports: [80] } }] })]);
    expect(policy.ingress[0]!.source.selector).toBeUndefined();
  });

  it('a namespaced selector gets the namespace term first', () => {
    expect(ruleSource('np', { selector: "app == 'db'" }).selector).toBe(`(${NS} && app == "db")`);
  });

  it('a notSelector alone makes the namespace term the positive selector, and stays as written', () => {
    expect(ruleSource('np', { notSelector: "app == 'db'" })).toEqual({ selector: NS, notSelector: 'app == "db"' });
  });

  it('notSelector is neither scoped nor prefixed next to a selector', () => {
    expect(ruleSource('np', { selector: 'has(a)', notSelector: "b == 'c'" })).toEqual({
      selector: `(${NS} && has(a))`,
      notSelector: 'b == "c"',
    });
  });

  it('a global rule selector has no namespace term', () => {
    expect(ruleSource('gnp', { selector: "app == 'db'" }).selector).toBe('app == "db"');
  });

  it('a global rule with only notSelector has no positive selector', () => {
    expect(ruleSource('gnp', { notSelector: "app == 'db'" })).toEqual({ selector: undefined, notSelector: 'app == "db"' });
  });

  it.each([
    ['global() alone', { namespaceSelector: 'global()' }, '!has(projectcalico.org/namespace)'],
    ['all() alone', { namespaceSelector: 'all()' }, 'has(projectcalico.org/namespace)'],
    [
      'all() with a selector',
      { namespaceSelector: 'all()', selector: "app == 'db'" },
      '(has(projectcalico.org/namespace) && app == "db")',
    ],
    [
      'labels, prefixed pcns.',
      { namespaceSelector: "team == 'a' || has(env)", selector: 'has(app)' },
      '((pcns.team == "a" || has(pcns.env)) && has(app))',
    ],
  ])('namespaceSelector %s (namespaced policy: replaces its own namespace)', (_name, source, expected) => {
    expect(ruleSource('np', source).selector).toBe(expected);
    expect(ruleSource('gnp', source).selector).toBe(expected);
  });

  it('serviceAccounts names become a serviceaccount-label set', () => {
    expect(ruleSource('np', { serviceAccounts: { names: ['b', 'a'] } }).selector).toBe(
      `(${NS} && projectcalico.org/serviceaccount in {"a", "b"})`,
    );
    expect(ruleSource('gnp', { serviceAccounts: { names: ['a'] } }).selector).toBe(
      'projectcalico.org/serviceaccount in {"a"}',
    );
  });

  it('serviceAccounts selector is prefixed pcsa. and ANDed with names, then with the selector', () => {
    expect(
      ruleSource('gnp', { serviceAccounts: { names: ['a'], selector: "role == 'x'" }, selector: "app == 'db'" }).selector,
    ).toBe('((pcsa.role == "x" && projectcalico.org/serviceaccount in {"a"}) && app == "db")');
    expect(ruleSource('np', { serviceAccounts: { selector: "role == 'x'" }, selector: 'has(app)' }).selector).toBe(
      `(${NS} && (pcsa.role == "x" && has(app)))`,
    );
  });

  it('destination entities are rewritten the same way as sources', () => {
    const policy = onlyPolicy([np('prod', 'p', { egress: [{ action: 'Allow', destination: { selector: 'has(a)' } }] })]);
    expect(policy.egress[0]!.destination.selector?.canonical).toBe(`(${NS} && has(a))`);
    expect(policy.egress[0]!.source.selector).toBeUndefined();
  });

  it('profile rules are not namespaced', () => {
    const { policySet } = normalize([
      resource('Profile', { name: 'prof' }, { ingress: [{ action: 'Allow', source: { selector: 'has(a)' } }] }),
    ]);
    expect(policySet.profiles[0]!.ingress[0]!.source.selector?.canonical).toBe('has(a)');
  });
});
