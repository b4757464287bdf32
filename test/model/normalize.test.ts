import { describe, expect, it } from 'vitest';
import { normalize, normalizeRules } from '../../src/model/normalize/index.js';
import { normalizeCidr } from '../../src/model/normalize/net.js';
import type { PolicySpec, Rule } from '../../src/model/resources.js';
import type { Policy, PolicyRule } from '../../src/model/types.js';
import { calicoPolicy, gnp, namespace, networkSet, np, pod, resource, spanAt } from './normalize-helpers.js';

const onlyPolicy = (spec: PolicySpec, kind: 'gnp' | 'np' = 'gnp'): Policy =>
  normalize([kind === 'gnp' ? gnp('g', spec) : np('ns', 'p', spec)]).policySet.policies[0]!;

const onlyRule = (rule: Rule): PolicyRule => onlyPolicy({ ingress: [rule] }).ingress[0]!;

describe('types defaulting (API defaults, docs/calico-semantics.md §3.4)', () => {
  const allow: Rule = { action: 'Allow' };
  it.each([
    ['no rules', {}, { ingress: true, egress: false }],
    ['ingress rules only', { ingress: [allow] }, { ingress: true, egress: false }],
    ['egress rules only', { egress: [allow] }, { ingress: false, egress: true }],
    ['both', { ingress: [allow], egress: [allow] }, { ingress: true, egress: true }],
    ['explicit Egress with ingress rules', { ingress: [allow], types: ['Egress'] }, { ingress: false, egress: true }],
    ['explicit both, no rules', { types: ['Ingress', 'Egress'] }, { ingress: true, egress: true }],
    ['explicit Ingress with egress rules', { egress: [allow], types: ['Ingress'] }, { ingress: true, egress: false }],
    ['empty types list', { egress: [allow], types: [] }, { ingress: false, egress: true }],
  ] as const)('%s', (_name, spec, expected) => {
    expect(onlyPolicy(spec as PolicySpec).appliesTo).toEqual(expected);
    expect(onlyPolicy(spec as PolicySpec, 'np').appliesTo).toEqual(expected);
  });
});

describe('policy fields', () => {
  it('defaults the tier to default and keeps order undefined when unset', () => {
    const policy = onlyPolicy({});
    expect(policy.tier).toBe('default');
    expect(policy.order).toBeUndefined();
    expect(policy).toMatchObject({ key: 'gnp/g', staged: false, applyOnForward: false, preDNAT: false, doNotTrack: false });
  });

  it('copies GNP-only flags; namespaced policies never apply on forward', () => {
    const flags = { applyOnForward: true, preDNAT: true, doNotTrack: false, order: 5.5, tier: 'security' };
    expect(onlyPolicy(flags)).toMatchObject({ applyOnForward: true, preDNAT: true, doNotTrack: false, order: 5.5, tier: 'security' });
    expect(onlyPolicy({ applyOnForward: true } as PolicySpec, 'np').applyOnForward).toBe(false);
  });

  it('keys namespaced policies by namespace; a missing namespace is "default"', () => {
    const { policySet } = normalize([calicoPolicy('NetworkPolicy', { name: 'x' }, {})]);
    expect(policySet.policies[0]).toMatchObject({ key: 'np/default/x', namespace: 'default' });
  });

  it('staged policies: Set by default, Delete is dropped', () => {
    const { policySet } = normalize([
      resource('StagedGlobalNetworkPolicy', { name: 'a' }, { selector: 'has(x)' }),
      resource('StagedGlobalNetworkPolicy', { name: 'b' }, { stagedAction: 'Ignore' }),
      resource('StagedGlobalNetworkPolicy', { name: 'c' }, { stagedAction: 'Delete' }),
      resource('StagedNetworkPolicy', { name: 'd', namespace: 'n' }, { stagedAction: 'Delete' }),
    ]);
    expect(policySet.policies.map((p) => [p.key, p.staged, p.stagedAction])).toEqual([
      ['sgnp/a', true, 'Set'],
      ['sgnp/b', true, 'Ignore'],
    ]);
  });
});

describe('rule fields', () => {
  it('lowercases protocol names; numbers (and numeric strings) stay numbers', () => {
    expect(onlyRule({ action: 'Allow', protocol: 'TCP' }).protocol).toBe('tcp');
    expect(onlyRule({ action: 'Allow', protocol: 'UDPLite' }).protocol).toBe('udplite');
    expect(onlyRule({ action: 'Allow', protocol: 6 }).protocol).toBe(6);
    expect(onlyRule({ action: 'Allow', protocol: '132' }).protocol).toBe(132);
    expect(onlyRule({ action: 'Deny', notProtocol: 'SCTP' }).notProtocol).toBe('sctp');
  });

  it('infers ipVersion from the protocol name only, as Felix does', () => {
    expect(onlyRule({ action: 'Allow', protocol: 'ICMP', icmp: { type: 8 } })).toMatchObject({ ipVersion: 4, protocol: 'icmp', icmp: { type: 8 } });
    expect(onlyRule({ action: 'Allow', protocol: 'ICMPv6', notICMP: { type: 128, code: 0 } })).toMatchObject({
      ipVersion: 6,
      notIcmp: { type: 128, code: 0 },
    });
    expect(onlyRule({ action: 'Allow', protocol: 1 }).ipVersion).toBeUndefined();
    expect(onlyRule({ action: 'Allow', ipVersion: 6, protocol: 'TCP' }).ipVersion).toBe(6);
  });

  it('parses ports: numbers, numeric strings, ranges and names', () => {
    const rule = onlyRule({ action: 'Allow', protocol: 'TCP', destination: { ports: [80, '443', '8000:8080', 'http'], notPorts: [22] } });
    expect(rule.destination.ports).toEqual([
      { kind: 'range', min: 80, max: 80 },
      { kind: 'range', min: 443, max: 443 },
      { kind: 'range', min: 8000, max: 8080 },
      { kind: 'named', name: 'http' },
    ]);
    expect(rule.destination.notPorts).toEqual([{ kind: 'range', min: 22, max: 22 }]);
  });

  it('normalizes nets: bare IPs become host routes', () => {
    const rule = onlyRule({ action: 'Deny', source: { nets: ['10.0.0.1', '10.0.0.0/8'], notNets: ['10.1.2.3/32'] }, destination: { nets: ['2001:DB8::1'] } });
    expect(rule.source.nets).toEqual(['10.0.0.1/32', '10.0.0.0/8']);
    expect(rule.source.notNets).toEqual(['10.1.2.3/32']);
    expect(rule.destination.nets).toEqual(['2001:db8::1/128']);
  });

  it('marks http and services matches unsupported (fail closed downstream)', () => {
    expect(onlyRule({ action: 'Allow', protocol: 'TCP', http: { methods: ['GET'] } }).unsupported).toEqual(['http']);
    expect(onlyRule({ action: 'Allow', destination: { services: { name: 'kube-dns', namespace: 'kube-system' } } }).unsupported).toEqual(['services']);
    expect(onlyRule({ action: 'Allow' }).unsupported).toBeUndefined();
  });

  it('keeps the action and rule index, and spans from the span map', () => {
    const ruleSpan = spanAt(500, 'p.yaml');
    const sourceSpan = spanAt(510, 'p.yaml');
    const policy = resource('GlobalNetworkPolicy', { name: 'g' }, {
      ingress: [{ action: 'Log' }, { action: 'Pass', source: { selector: 'has(a)' } }],
    }, { '/spec/ingress/1': ruleSpan, '/spec/ingress/1/source': sourceSpan });
    const [log, pass] = normalize([policy]).policySet.policies[0]!.ingress;
    expect([log!.index, log!.action, pass!.index, pass!.action]).toEqual([0, 'Log', 1, 'Pass']);
    expect(log!.span).toEqual(policy.span);
    expect(pass!.span).toEqual(ruleSpan);
    expect(pass!.source.span).toEqual(sourceSpan);
  });
});

describe('CIDR normalization', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1/32'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['::/0', '::/0'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1/128'],
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128'],
    ['fd00::1234/64', 'fd00::/64'],
    ['1:0:0:0:0:0:0:0', '1::/128'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8/128'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7/128'],
    ['::ffff:1.2.3.4', '::ffff:102:304/128'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeCidr(input)).toBe(expected);
  });

  it('throws on input validation should have rejected', () => {
    expect(() => normalizeCidr('10.0.0.256')).toThrow();
    expect(() => normalizeCidr('1::2::3')).toThrow();
  });
});

describe('tiers', () => {
  it('always has the three built-in tiers, sorted by name', () => {
    expect(normalize([]).policySet.tiers.map((t) => [t.name, t.order, t.defaultAction, t.builtIn, t.defined])).toEqual([
      ['default', 1_000_000, 'Deny', true, true],
      ['kube-admin', 1000, 'Pass', true, true],
      ['kube-baseline', 10_000_000, 'Pass', true, true],
    ]);
  });

  it('merges a written default tier and adds user tiers (defaultAction Deny unless written)', () => {
    const written = resource('Tier', { name: 'default' }, { order: 1_000_000, defaultAction: 'Deny' });
    const { policySet } = normalize([
      written,
      resource('Tier', { name: 'security' }, { order: 100 }),
      resource('Tier', { name: 'open' }, { defaultAction: 'Pass' }),
    ]);
    const byName = new Map(policySet.tiers.map((t) => [t.name, t]));
    expect(byName.get('default')).toMatchObject({ builtIn: true, defined: true, span: written.span });
    expect(byName.get('security')).toMatchObject({ order: 100, defaultAction: 'Deny', builtIn: false, defined: true });
    expect(byName.get('open')!.order).toBeUndefined();
    expect(byName.get('open')!.defaultAction).toBe('Pass');
  });

  it('adds an undefined tier that policies name, with a warning at the tier value', () => {
    const tierSpan = spanAt(700, 'p.yaml');
    const a = resource('GlobalNetworkPolicy', { name: 'a' }, { tier: 'ghost' }, { '/spec/tier': tierSpan });
    const b = resource('GlobalNetworkPolicy', { name: 'b' }, { tier: 'ghost' });
    const { policySet, diagnostics } = normalize([b, a]);
    const ghost = policySet.tiers.find((t) => t.name === 'ghost')!;
    expect(ghost).toMatchObject({ defined: false, builtIn: false, defaultAction: 'Deny', span: tierSpan });
    expect('order' in ghost).toBe(false);
    expect(diagnostics.map((d) => [d.code, d.severity, d.data?.tier])).toEqual([['missing-tier', 'error', 'ghost']]);
  });
});

describe('profiles', () => {
  it('normalizes user profiles (rules not namespaced); a user kns.* profile is kept when its Namespace is not in the input', () => {
    const { policySet } = normalize([
      resource('Profile', { name: 'kns.web' }, { labelsToApply: { 'pcns.tier': 'gold', 'pcns.projectcalico.org/name': 'web' } }),
      resource('Profile', { name: 'edge' }, { egress: [{ action: 'Deny', destination: { nets: ['1.2.3.4'] } }] }),
    ]);
    const byName = new Map(policySet.profiles.map((p) => [p.name, p]));
    expect(byName.get('kns.web')).toMatchObject({ builtIn: false, labelsToApply: { 'pcns.tier': 'gold' }, ingress: [], egress: [] });
    expect(byName.get('edge')!.egress[0]!.destination.nets).toEqual(['1.2.3.4/32']);
  });

  it('a user kns.* or ksa.* profile next to the Namespace or ServiceAccount it shadows: the derived one wins (Kubernetes datastore), with a warning', () => {
    const { policySet, diagnostics } = normalize([
      resource('Profile', { name: 'kns.web' }, { labelsToApply: { 'pcns.tier': 'gold' } }),
      resource('Profile', { name: 'ksa.web.robot' }, {}),
      namespace('web', { tier: 'silver' }),
      resource('ServiceAccount', { name: 'robot', namespace: 'web', labels: { role: 'ci' } }, {}),
    ]);
    const byName = new Map(policySet.profiles.map((p) => [p.name, p]));
    expect(byName.get('kns.web')).toMatchObject({ builtIn: true, labelsToApply: { 'pcns.tier': 'silver' } });
    expect(byName.get('ksa.web.robot')).toMatchObject({ builtIn: true, labelsToApply: { 'pcsa.role': 'ci' } });
    expect(diagnostics.filter((d) => d.code === 'duplicate-resource').map((d) => [d.severity, d.data?.messageId, d.data?.name])).toEqual([
      ['warning', 'derivedProfile', 'kns.web'],
      ['warning', 'derivedProfile', 'ksa.web.robot'],
    ]);
  });

  it('creates kns.<ns> (allow all, pcns.* labels) for every Namespace and ksa.<ns>.<sa> for every ServiceAccount', () => {
    const { policySet } = normalize([
      namespace('a', { team: 'x' }),
      resource('ServiceAccount', { name: 'robot', namespace: 'a', labels: { role: 'ci' } }, {}),
    ]);
    expect(policySet.profiles.map((p) => [p.name, p.builtIn, p.labelsToApply, p.ingress.length, p.egress.length])).toEqual([
      ['kns.a', true, { 'pcns.kubernetes.io/metadata.name': 'a', 'pcns.projectcalico.org/name': 'a', 'pcns.team': 'x' }, 1, 1],
      ['ksa.a.robot', true, { 'pcsa.projectcalico.org/name': 'robot', 'pcsa.role': 'ci' }, 0, 0],
    ]);
    const allow = policySet.profiles[0]!.ingress[0]!;
    expect(allow).toMatchObject({ action: 'Allow', source: { nets: [], ports: [] } });
    expect(allow.protocol).toBeUndefined();
    expect(allow.source.selector).toBeUndefined();
  });
});

describe('network sets and IP pools', () => {
  it('namespaced sets get the namespace label and inherit namespace labels through kns.<ns>', () => {
    const { policySet } = normalize([
      networkSet('NetworkSet', { name: 'ext', namespace: 'prod', labels: { role: 'db' } }, ['10.0.0.1', '10.2.0.0/16']),
      networkSet('GlobalNetworkSet', { name: 'internet', labels: { scope: 'world' } }, ['0.0.0.0/0']),
      namespace('prod', { env: 'production' }),
    ]);
    expect(policySet.networkSets.map((s) => [s.key, s.nets, s.profiles, s.ownLabels, s.labels])).toEqual([
      ['globalnetworkset/internet', ['0.0.0.0/0'], [], { scope: 'world' }, { scope: 'world' }],
      [
        'networkset/prod/ext',
        ['10.0.0.1/32', '10.2.0.0/16'],
        ['kns.prod'],
        { 'projectcalico.org/namespace': 'prod', role: 'db' },
        { 'pcns.env': 'production', 'pcns.kubernetes.io/metadata.name': 'prod', 'pcns.projectcalico.org/name': 'prod', 'projectcalico.org/namespace': 'prod', role: 'db' },
      ],
    ]);
  });

  it('IP pools: masked CIDR, natOutgoing (legacy nat_outgoing / nat-outgoing too), disabled', () => {
    const { policySet } = normalize([
      resource('IPPool', { name: 'd' }, { cidr: '172.16.0.0/12', 'nat-outgoing': true }),
      resource('IPPool', { name: 'b' }, { cidr: '10.244.0.0/16', natOutgoing: true }),
      resource('IPPool', { name: 'a' }, { cidr: 'fd00:10::/64', nat_outgoing: true, disabled: true }),
      resource('IPPool', { name: 'c' }, { cidr: '192.168.0.0/16' }),
    ]);
    expect(policySet.ipPools.map((p) => [p.name, p.cidr, p.natOutgoing, p.disabled])).toEqual([
      ['a', 'fd00:10::/64', true, true],
      ['b', '10.244.0.0/16', true, false],
      ['c', '192.168.0.0/16', false, false],
      ['d', '172.16.0.0/12', true, false],
    ]);
  });
});

describe('duplicates', () => {
  it('keeps the first definition by file position (validation reports the later ones), whatever the input order', () => {
    const first = { ...gnp('dup', { order: 1 }), span: spanAt(10, 'a.yaml') };
    const second = { ...gnp('dup', { order: 2 }), span: spanAt(5, 'b.yaml') };
    for (const input of [
      [first, second],
      [second, first],
    ]) {
      const { policySet, diagnostics } = normalize(input);
      expect(policySet.policies.map((p) => p.order)).toEqual([1]);
      expect(diagnostics).toEqual([]);
    }
  });

  it('does not treat same-named resources of different kinds or namespaces as duplicates', () => {
    const { policySet, diagnostics } = normalize([np('a', 'x', {}), np('b', 'x', {}), gnp('x', {}), resource('StagedNetworkPolicy', { name: 'x', namespace: 'a' }, {})]);
    expect(policySet.policies.map((p) => p.key)).toEqual(['gnp/x', 'np/a/x', 'snp/a/x', 'np/b/x']);
    expect(diagnostics).toEqual([]);
  });
});

describe('diagnostic rule definitions', () => {
  it('every definition has a kebab-case id, a description and messages, and ids are unique', () => {
    const ids = normalizeRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of normalizeRules) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.description.length).toBeGreaterThan(10);
      expect(Object.keys(rule.messages).length).toBeGreaterThan(0);
    }
    expect(ids.sort()).toEqual(['host-network-pod', 'inventory-incomplete', 'missing-tier', 'namespace-not-defined']);
  });

  it('pods in a namespace with no Namespace resource get an info diagnostic', () => {
    const { diagnostics } = normalize([pod('ghost', 'p', { status: { podIP: '10.0.0.1' } })]);
    expect(diagnostics.map((d) => [d.code, d.severity, d.data?.namespace])).toEqual([['namespace-not-defined', 'info', 'ghost']]);
  });
});
