import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize } from '../../src/model/normalize/index.js';
import type { Resource } from '../../src/model/resources.js';
import {
  gnp,
  hostEndpoint,
  k8sPolicy,
  namespace,
  networkSet,
  np,
  pod,
  resource,
  serviceAccount,
  spanAt,
  workloadEndpoint,
} from './normalize-helpers.js';

/** The output must not depend on input order (docs/design.md "Determinism"). */

function sampleCluster(): Resource[] {
  return [
    resource('Tier', { name: 'security' }, { order: 10 }),
    gnp('deny-all', { tier: 'security', selector: 'all()', types: ['Ingress', 'Egress'] }),
    gnp('ns-wide', { namespaceSelector: "team == 'a'", ingress: [{ action: 'Allow', source: { namespaceSelector: 'global()' } }] }),
    np('a', 'web', { selector: "app == 'web'", ingress: [{ action: 'Allow', protocol: 'TCP', destination: { ports: [80] } }] }),
    np('b', 'web', { tier: 'ghost', egress: [{ action: 'Deny', destination: { nets: ['10.0.0.1'] } }] }),
    k8sPolicy('a', 'knp', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 5432 }] }] }),
    resource('Profile', { name: 'edge' }, { labelsToApply: { zone: 'dmz' } }),
    namespace('a', { team: 'a' }),
    serviceAccount('a', 'robot', { role: 'ci' }),
    pod('a', 'web-1', { labels: { app: 'web' }, status: { podIP: '10.1.0.1' } }),
    pod('a', 'db-1', { labels: { app: 'db' }, spec: { serviceAccountName: 'robot', nodeName: 'n1' }, status: { podIP: '10.1.0.2' } }),
    pod('b', 'pending'),
    pod('b', 'host', { spec: { hostNetwork: true } }),
    workloadEndpoint({ name: 'vm-1', namespace: 'b' }, { orchestrator: 'openstack', ipNetworks: ['10.2.0.1/32'], profiles: ['edge', 'nope'] }),
    hostEndpoint({ name: 'h1', labels: { role: 'gw' } }, { node: 'n1', interfaceName: 'eth0', expectedIPs: ['192.168.0.1'], profiles: ['edge'] }),
    networkSet('NetworkSet', { name: 'ext', namespace: 'b' }, ['1.2.3.0/24']),
    networkSet('GlobalNetworkSet', { name: 'world' }, ['0.0.0.0/0']),
    resource('IPPool', { name: 'pool' }, { cidr: '10.0.0.0/8', natOutgoing: true }),
    { ...gnp('dup', { order: 1 }), span: spanAt(1, 'z.yaml') },
    { ...gnp('dup', { order: 2 }), span: spanAt(2, 'z.yaml') },
    // A WEP whose key collides with a pod's (kept: the earlier by position).
    workloadEndpoint({ name: 'web-1', namespace: 'a' }, { orchestrator: 'cni', ipNetworks: ['10.3.0.1/32'] }),
  ];
}

describe('determinism', () => {
  it('reversed input gives a deep-equal, byte-identical result', () => {
    const input = sampleCluster();
    const forward = normalize(input);
    const backward = normalize([...input].reverse());
    expect(backward).toEqual(forward);
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
    // The sample exercises every diagnostic this stage can emit.
    expect([...new Set(forward.diagnostics.map((d) => d.code))].sort()).toEqual([
      'host-network-pod',
      'inventory-incomplete',
      'missing-tier',
      'namespace-not-defined',
    ]);
  });

  it('property: any permutation of the input normalizes to the same result', () => {
    const input = sampleCluster();
    const expected = JSON.stringify(normalize(input));
    const seed = Number(process.env.CALPOL_SEED ?? 20260822);
    console.log(`normalize order-independence property: seed ${seed}`);
    fc.assert(
      fc.property(fc.shuffledSubarray(input, { minLength: input.length, maxLength: input.length }), (shuffled) => {
        expect(JSON.stringify(normalize(shuffled))).toBe(expected);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('property: generated clusters are order-independent', () => {
    const seed = Number(process.env.CALPOL_SEED ?? 424242);
    console.log(`normalize generated-cluster property: seed ${seed}`);
    const name = fc.constantFrom('a', 'b', 'c');
    const labels = fc.dictionary(fc.constantFrom('app', 'team', 'tier'), fc.constantFrom('x', 'y'), { maxKeys: 2 });
    const item: fc.Arbitrary<Resource> = fc.oneof(
      fc.tuple(name, name, labels).map(([ns, n, l]) => pod(ns, n, { labels: l, status: { podIP: '10.0.0.1' } })),
      fc.tuple(name, labels).map(([n, l]) => namespace(n, l)),
      fc.tuple(name, name).map(([ns, n]) => np(ns, n, { selector: 'has(app)', ingress: [{ action: 'Allow', source: { selector: "app == 'x'" } }] })),
      name.map((n) => gnp(n, { namespaceSelector: "team == 'x'" })),
      fc.tuple(name, name).map(([ns, n]) => k8sPolicy(ns, n, { podSelector: {}, ingress: [{ ports: [{ port: 80 }, { port: 81 }] }] })),
      fc.tuple(name, labels).map(([n, l]) => hostEndpoint({ name: n, labels: l }, { node: 'n', interfaceName: 'eth0', profiles: ['kns.a'] })),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 12 }), fc.infiniteStream(fc.double({ noNaN: true })), (cluster, randoms) => {
        const shuffled = cluster
          .map((r) => ({ r, k: randoms.next().value as number }))
          .sort((x, y) => x.k - y.k)
          .map((x) => x.r);
        expect(JSON.stringify(normalize(shuffled))).toBe(JSON.stringify(normalize(cluster)));
      }),
      { seed, numRuns: 200 },
    );
  });
});
