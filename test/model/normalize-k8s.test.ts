import { describe, expect, it } from 'vitest';
import { k8sSelectorToCalico, normalize } from '../../src/model/normalize/index.js';
import { simplifyPorts } from '../../src/model/normalize/k8s-policy.js';
import { normalizePort } from '../../src/model/normalize/policy-rule.js';
import type { K8sNetworkPolicySpec, LabelSelector } from '../../src/model/resources.js';
import type { EntityMatch, Policy, PortMatch } from '../../src/model/types.js';
import { k8sPolicy, resource } from './normalize-helpers.js';

/** Kubernetes NetworkPolicy → Calico policy (docs/calico-semantics.md §3.7, upstream conversion.go K8sNetworkPolicyToCalico). */

function convert(spec: K8sNetworkPolicySpec, namespace = 'default'): Policy {
  const { policySet } = normalize([k8sPolicy(namespace, 'test.policy', spec)]);
  return policySet.policies[0] as Policy;
}

const portText = (port: PortMatch): string =>
  port.kind === 'named' ? port.name : port.min === port.max ? String(port.min) : `${port.min}:${port.max}`;
const portsText = (ports: readonly PortMatch[]): string => ports.map(portText).join(',');
const selectorOf = (entity: EntityMatch): string | undefined => entity.selector?.canonical;

const ORCH = 'projectcalico.org/orchestrator == "k8s"';
const NS_DEFAULT = 'projectcalico.org/namespace == "default"';

describe('policy identity and selector', () => {
  it('is a KubernetesNetworkPolicy in tier default at order 1000, selector scoped to the namespace', () => {
    const policy = convert({ podSelector: { matchLabels: { label: 'value', a: 'b' } } });
    expect(policy).toMatchObject({
      key: 'knp/default/test.policy',
      kind: 'KubernetesNetworkPolicy',
      name: 'test.policy',
      namespace: 'default',
      tier: 'default',
      order: 1000,
      staged: false,
    });
    expect(policy.stagedAction).toBeUndefined();
    expect(policy.selector.canonical).toBe(`((${ORCH} && a == "b" && label == "value") && ${NS_DEFAULT})`);
  });

  it('an empty podSelector selects every pod of the namespace', () => {
    expect(convert({ podSelector: {} }).selector.canonical).toBe(`(${ORCH} && ${NS_DEFAULT})`);
  });

  it.each([
    [{ matchLabels: { b: '2', a: '1' } }, 'pod', "projectcalico.org/orchestrator == 'k8s' && a == '1' && b == '2'"],
    [
      {
        matchExpressions: [
          { key: 'k', operator: 'In', values: ['v1', 'v2'] },
          { key: 'k2', operator: 'NotIn', values: ['v'] },
          { key: 'k3', operator: 'Exists' },
          { key: 'k4', operator: 'DoesNotExist' },
        ],
      },
      'pod',
      "projectcalico.org/orchestrator == 'k8s' && k in { 'v1', 'v2' } && k2 not in { 'v' } && has(k3) && ! has(k4)",
    ],
    [undefined, 'pod', "projectcalico.org/orchestrator == 'k8s'"],
    [undefined, 'namespace', ''],
    [{}, 'namespace', 'all()'],
    [{ matchLabels: { team: 'a' } }, 'namespace', "team == 'a'"],
  ] as [LabelSelector | undefined, 'pod' | 'namespace', string][])('k8sSelectorToCalico(%j, %s)', (selector, role, expected) => {
    expect(k8sSelectorToCalico(selector, role)).toBe(expected);
  });
});

describe('policy types', () => {
  it.each([
    [undefined, { ingress: true, egress: false }],
    [[], { ingress: true, egress: false }],
    [['Ingress'], { ingress: true, egress: false }],
    [['Egress'], { ingress: false, egress: true }],
    [['Egress', 'Ingress'], { ingress: true, egress: true }],
  ] as const)('policyTypes %j', (policyTypes, expected) => {
    const spec: K8sNetworkPolicySpec = { podSelector: {}, egress: [{ to: [] }] };
    if (policyTypes) spec.policyTypes = [...policyTypes];
    expect(convert(spec).appliesTo).toEqual(expected);
  });

  it('keeps egress rules even when policyTypes leaves egress out (they just do not apply)', () => {
    const policy = convert({ podSelector: {}, egress: [{}] });
    expect(policy.appliesTo).toEqual({ ingress: true, egress: false });
    expect(policy.egress).toHaveLength(1);
  });
});

describe('rule expansion', () => {
  it('an empty ingress rule allows everything from anywhere', () => {
    const [rule, ...rest] = convert({ podSelector: {}, ingress: [{}] }).ingress;
    expect(rest).toEqual([]);
    expect(rule).toMatchObject({ index: 0, action: 'Allow' });
    expect(rule!.protocol).toBeUndefined();
    expect(rule!.source).toEqual({ nets: [], notNets: [], ports: [], notPorts: [] });
    expect(rule!.destination).toEqual({ nets: [], notNets: [], ports: [], notPorts: [] });
  });

  it('expands protocols (sorted by name) × peers, protocol-major, all Allow', () => {
    const policy = convert({
      podSelector: { matchLabels: { label: 'value' } },
      ingress: [
        {
          ports: [
            { protocol: 'UDP', port: 90 },
            { protocol: 'TCP', port: 80 },
          ],
          from: [{ podSelector: { matchLabels: { k: 'v' } } }, { podSelector: { matchLabels: { k2: 'v2' } } }],
        },
      ],
    });
    const summary = policy.ingress.map((r) => [r.index, r.action, r.protocol, selectorOf(r.source), portsText(r.destination.ports)]);
    const scoped = (term: string) => `(${NS_DEFAULT} && (${ORCH} && ${term}))`;
    expect(summary).toEqual([
      [0, 'Allow', 'tcp', scoped('k == "v"'), '80'],
      [1, 'Allow', 'tcp', scoped('k2 == "v2"'), '80'],
      [2, 'Allow', 'udp', scoped('k == "v"'), '90'],
      [3, 'Allow', 'udp', scoped('k2 == "v2"'), '90'],
    ]);
  });

  it('merges ports of a protocol into minimal ranges, named ports first; endPort makes a range', () => {
    const policy = convert({
      podSelector: {},
      ingress: [
        {
          ports: [
            { port: 81 },
            { protocol: 'TCP', port: 80 },
            { port: 'http' },
            { port: 82, endPort: 90 },
            { protocol: 'SCTP', port: 9 },
            { protocol: 'UDP', port: 53 },
            { protocol: 'UDP', port: 5353 },
            { port: 8080 },
          ],
        },
      ],
    });
    expect(policy.ingress.map((r) => [r.protocol, portsText(r.destination.ports)])).toEqual([
      ['sctp', '9'],
      ['tcp', 'http,80:90,8080'],
      ['udp', '53,5353'],
    ]);
  });

  it('a port entry without a port number means every port of that protocol (TCP by default)', () => {
    // Upstream test "should parse a k8s NetworkPolicy with blank ports": [{port: 80}, {}] → TCP, no ports.
    const policy = convert({ podSelector: {}, ingress: [{ ports: [{ port: 80 }, {}] }] });
    expect(policy.ingress.map((r) => [r.protocol, portsText(r.destination.ports)])).toEqual([['tcp', '']]);
    const udp = convert({ podSelector: {}, ingress: [{ ports: [{ protocol: 'UDP' }, { protocol: 'UDP', port: 53 }] }] });
    expect(udp.ingress.map((r) => [r.protocol, portsText(r.destination.ports)])).toEqual([['udp', '']]);
  });

  it('egress puts peer and ports into the destination', () => {
    const policy = convert({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'UDP', port: 53 }] }],
    });
    const [rule] = policy.egress;
    expect(rule!.protocol).toBe('udp');
    expect(rule!.destination).toMatchObject({ nets: ['10.0.0.0/8'], ports: [{ kind: 'range', min: 53, max: 53 }] });
    expect(rule!.source).toEqual({ nets: [], notNets: [], ports: [], notPorts: [] });
  });
});

describe('peers', () => {
  const ingressSource = (peer: NonNullable<NonNullable<K8sNetworkPolicySpec['ingress']>[number]['from']>[number]) =>
    convert({ podSelector: {}, ingress: [{ from: [peer] }] }, 'prod').ingress[0]!.source;
  const NS_PROD = 'projectcalico.org/namespace == "prod"';

  it('ipBlock cidr/except become nets/notNets (masked), with no selector', () => {
    const source = ingressSource({ ipBlock: { cidr: '192.168.1.7/24', except: ['192.168.1.128/25', '192.168.1.5/32'] } });
    expect(source).toEqual({ nets: ['192.168.1.0/24'], notNets: ['192.168.1.128/25', '192.168.1.5/32'], ports: [], notPorts: [], span: expect.anything() });
  });

  it('podSelector alone: pods of the policy namespace', () => {
    expect(selectorOf(ingressSource({ podSelector: { matchLabels: { app: 'a' } } }))).toBe(
      `(${NS_PROD} && (${ORCH} && app == "a"))`,
    );
  });

  it('empty podSelector alone: every pod of the policy namespace', () => {
    expect(selectorOf(ingressSource({ podSelector: {} }))).toBe(`(${NS_PROD} && ${ORCH})`);
  });

  it('nil namespaceSelector vs empty namespaceSelector', () => {
    expect(selectorOf(ingressSource({ podSelector: { matchLabels: { app: 'a' } } }))).toContain(NS_PROD);
    expect(selectorOf(ingressSource({ namespaceSelector: {} }))).toBe(`(has(projectcalico.org/namespace) && ${ORCH})`);
  });

  it('namespaceSelector labels are prefixed pcns. and replace the own-namespace term', () => {
    expect(selectorOf(ingressSource({ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { app: 'x' } } }))).toBe(
      `(pcns.team == "a" && (${ORCH} && app == "x"))`,
    );
  });
});

describe('staged k8s policies', () => {
  it('StagedKubernetesNetworkPolicy converts the same way, staged, default stagedAction Set', () => {
    const { policySet } = normalize([
      resource('StagedKubernetesNetworkPolicy', { name: 's', namespace: 'ns' }, { podSelector: {}, ingress: [{}] }),
      resource('StagedKubernetesNetworkPolicy', { name: 'learn', namespace: 'ns' }, { podSelector: {}, stagedAction: 'Learn' }),
      resource('StagedKubernetesNetworkPolicy', { name: 'gone', namespace: 'ns' }, { podSelector: {}, stagedAction: 'Delete' }),
    ]);
    expect(policySet.policies.map((p) => [p.key, p.kind, p.staged, p.stagedAction, p.order, p.tier])).toEqual([
      ['sknp/ns/learn', 'StagedKubernetesNetworkPolicy', true, 'Learn', 1000, 'default'],
      ['sknp/ns/s', 'StagedKubernetesNetworkPolicy', true, 'Set', 1000, 'default'],
    ]);
  });
});

describe('SimplifyPorts (upstream conversion_test.go table)', () => {
  it.each([
    ['', ''],
    ['0', '0'],
    ['1', '1'],
    ['65535', '65535'],
    ['0:65535', '0:65535'],
    ['1,2', '1:2'],
    ['2,1', '1:2'],
    ['1,2,4', '1:2,4'],
    ['1,2,3,4,80:81,81:90,9090', '1:4,80:90,9090'],
    ['81:90,4,2,80:81,3,1,9090', '1:4,80:90,9090'],
    ['81:90,4,2,foo,80:81,3,1,9090,http', 'foo,http,1:4,80:90,9090'],
    ['foo', 'foo'],
  ])('%s → %s', (input, expected) => {
    const ports = input === '' ? [] : input.split(',').map(normalizePort);
    expect(portsText(simplifyPorts(ports))).toBe(expected);
  });
});

describe('spans', () => {
  it('a converted rule points at its k8s peer, or at the k8s rule when it has no peers', () => {
    const peerSpan = { file: 'np.yaml', line: 9, column: 9, endLine: 9, endColumn: 20, offset: 90, length: 11 };
    const ruleSpan = { file: 'np.yaml', line: 12, column: 5, endLine: 13, endColumn: 1, offset: 120, length: 20 };
    const policy = k8sPolicy('ns', 'p', {
      podSelector: {},
      ingress: [{ from: [{ podSelector: {} }] }, { ports: [{ port: 80 }] }],
    });
    const withSpans = { ...policy, spans: { '/spec/ingress/0/from/0': peerSpan, '/spec/ingress/1': ruleSpan } };
    const converted = normalize([withSpans]).policySet.policies[0]!;
    expect(converted.ingress[0]!.span).toEqual(peerSpan);
    expect(converted.ingress[0]!.source.span).toEqual(peerSpan);
    expect(converted.ingress[1]!.span).toEqual(ruleSpan);
  });
});
