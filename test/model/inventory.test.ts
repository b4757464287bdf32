import { describe, expect, it } from 'vitest';
import { normalize, vethNameForWorkload } from '../../src/model/normalize/index.js';
import type { Endpoint } from '../../src/model/types.js';
import { hostEndpoint, namespace, pod, resource, serviceAccount, workloadEndpoint } from './normalize-helpers.js';

/** Pods, WorkloadEndpoints and HostEndpoints → Inventory endpoints (docs/calico-semantics.md §1.5; upstream k8s conversion and WEP syncer). */

const endpoints = (...input: Parameters<typeof normalize>[0]): Endpoint[] => normalize(input).inventory.endpoints;
const onlyEndpoint = (...input: Parameters<typeof normalize>[0]): Endpoint => {
  const all = endpoints(...input);
  expect(all).toHaveLength(1);
  return all[0]!;
};

describe('host-side interface names (upstream VethNameForWorkload)', () => {
  // Vectors from upstream conversion_test.go: pods podA/podB in namespace default, and
  // ("namespace", "podname") with FELIX_INTERFACEPREFIX=eni.
  it.each([
    ['default', 'podA', 'cali', 'cali7f94ce7c295'],
    ['default', 'podB', 'cali', 'cali92cf1f5e9f6'],
    ['namespace', 'podname', 'eni', 'eni82111e10a96'],
  ])('%s/%s with prefix %s → %s', (ns, name, prefix, expected) => {
    expect(vethNameForWorkload(ns, name, prefix)).toBe(expected);
  });

  it('a pod endpoint uses it, with the configured prefix', () => {
    const p = pod('default', 'podA', { status: { podIP: '192.168.0.1' } });
    expect(normalize([p]).inventory.endpoints[0]!.interfaceName).toBe('cali7f94ce7c295');
    expect(normalize([p], { interfacePrefix: 'eni' }).inventory.endpoints[0]!.interfaceName).toBe('eni7f94ce7c295');
  });
});

describe('pods', () => {
  it('become workload endpoints with the conversion labels, profiles, address and node', () => {
    const endpoint = onlyEndpoint(
      pod('default', 'podA', {
        labels: { labelA: 'valueA', labelB: 'valueB' },
        spec: { nodeName: 'nodeA' },
        status: { podIP: '192.168.0.1' },
      }),
    );
    expect(endpoint).toMatchObject({
      key: 'workload/default/podA',
      kind: 'workload',
      name: 'podA',
      namespace: 'default',
      node: 'nodeA',
      addresses: ['192.168.0.1/32'],
      profiles: ['kns.default', 'ksa.default.default'],
      source: 'Pod',
    });
    expect(endpoint.ownLabels).toEqual({
      labelA: 'valueA',
      labelB: 'valueB',
      'projectcalico.org/namespace': 'default',
      'projectcalico.org/orchestrator': 'k8s',
      'projectcalico.org/serviceaccount': 'default',
    });
  });

  it('uses spec.serviceAccountName (then the deprecated serviceAccount) for the SA label and profile', () => {
    const named = onlyEndpoint(pod('ns', 'a', { spec: { serviceAccountName: 'robot' }, status: { podIP: '10.0.0.1' } }));
    expect(named.profiles).toEqual(['kns.ns', 'ksa.ns.robot']);
    expect(named.ownLabels['projectcalico.org/serviceaccount']).toBe('robot');
    const legacy = onlyEndpoint(pod('ns', 'b', { spec: { serviceAccount: 'old' }, status: { podIP: '10.0.0.2' } }));
    expect(legacy.profiles).toEqual(['kns.ns', 'ksa.ns.old']);
  });

  it('takes addresses from podIPs, then podIP, then the Calico CNI annotations', () => {
    const dual = onlyEndpoint(pod('n', 'a', { status: { podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }] } }));
    expect(dual.addresses).toEqual(['10.0.0.1/32', 'fd00::1/128']);
    const plural = onlyEndpoint(pod('n', 'b', { annotations: { 'cni.projectcalico.org/podIPs': '10.0.0.2/32,fd00::2/128', 'cni.projectcalico.org/podIP': '10.9.9.9/32' } }));
    expect(plural.addresses).toEqual(['10.0.0.2/32', 'fd00::2/128']);
    const single = onlyEndpoint(pod('n', 'c', { annotations: { 'cni.projectcalico.org/podIP': '10.0.0.3/32' } }));
    expect(single.addresses).toEqual(['10.0.0.3/32']);
  });

  it('named ports come from containers and init containers; protocol defaults to TCP; unnamed ports are dropped', () => {
    const endpoint = onlyEndpoint(
      pod('n', 'p', {
        status: { podIP: '10.0.0.1' },
        spec: {
          nodeName: 'x',
          containers: [
            { name: 'c1', ports: [{ containerPort: 5678 }, { name: 'no-proto', containerPort: 1234 }] },
            { name: 'c2', ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'sctp-proto', containerPort: 891, protocol: 'SCTP' }] },
          ],
          initContainers: [{ name: 'i', ports: [{ name: 'init-port', containerPort: 3000 }] }],
        },
      }),
    );
    expect(endpoint.namedPorts).toEqual([
      { name: 'no-proto', protocol: 'tcp', port: 1234 },
      { name: 'dns', protocol: 'udp', port: 53 },
      { name: 'sctp-proto', protocol: 'sctp', port: 891 },
      { name: 'init-port', protocol: 'tcp', port: 3000 },
    ]);
  });

  it('drops pcns./pcsa. labels a pod writes itself (it cannot claim another namespace)', () => {
    const endpoint = onlyEndpoint(
      pod('real', 'p', { labels: { 'pcns.projectcalico.org/name': 'fake', 'pcsa.x': 'y', app: 'a' }, status: { podIP: '10.0.0.1' } }),
      namespace('real'),
    );
    expect(endpoint.ownLabels['pcns.projectcalico.org/name']).toBeUndefined();
    expect(endpoint.labels['pcns.projectcalico.org/name']).toBe('real');
    expect(endpoint.labels['pcsa.x']).toBeUndefined();
  });

  it('skips hostNetwork pods with an info diagnostic', () => {
    const { inventory, diagnostics } = normalize([pod('n', 'h', { spec: { hostNetwork: true, nodeName: 'x' }, status: { podIP: '192.168.1.10' } }), namespace('n')]);
    expect(inventory.endpoints).toEqual([]);
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([['host-network-pod', 'info']]);
  });

  it('keeps a pod without an IP, with no addresses and a warning', () => {
    const { inventory, diagnostics } = normalize([pod('n', 'pending'), namespace('n')]);
    expect(inventory.endpoints.map((e) => [e.key, e.addresses])).toEqual([['workload/n/pending', []]]);
    expect(diagnostics.map((d) => [d.code, d.severity, d.data?.messageId])).toEqual([['inventory-incomplete', 'warning', 'endpointWithoutAddress']]);
  });

  it('a finished pod no longer owns its IP', () => {
    const { inventory, diagnostics } = normalize([pod('n', 'done', { status: { podIP: '10.0.0.1', phase: 'Succeeded' } }), namespace('n')]);
    expect(inventory.endpoints[0]!.addresses).toEqual([]);
    expect(diagnostics.map((d) => [d.data?.messageId, d.severity])).toEqual([['finishedPod', 'info']]);
  });
});

describe('effective labels (label inheritance, §1.5)', () => {
  it('own labels win, then profiles in order; namespace and SA labels arrive as pcns.* / pcsa.*', () => {
    const endpoint = onlyEndpoint(
      pod('web', 'p', { labels: { app: 'shop', 'team': 'own' }, spec: { serviceAccountName: 'robot', nodeName: 'n1' }, status: { podIP: '10.0.0.1' } }),
      namespace('web', { team: 'ns-team', env: 'prod' }),
      serviceAccount('web', 'robot', { role: 'ci' }),
    );
    expect(endpoint.labels).toEqual({
      app: 'shop',
      team: 'own',
      'pcns.env': 'prod',
      'pcns.team': 'ns-team',
      'pcns.kubernetes.io/metadata.name': 'web',
      'pcns.projectcalico.org/name': 'web',
      'pcsa.projectcalico.org/name': 'robot',
      'pcsa.role': 'ci',
      'projectcalico.org/namespace': 'web',
      'projectcalico.org/orchestrator': 'k8s',
      'projectcalico.org/serviceaccount': 'robot',
    });
    expect(Object.keys(endpoint.labels)).toEqual(Object.keys(endpoint.labels).sort());
  });

  it('the first profile in the endpoint list wins a shared key', () => {
    const endpoint = onlyEndpoint(
      resource('Profile', { name: 'first' }, { labelsToApply: { shared: 'from-first', a: '1' } }),
      resource('Profile', { name: 'second' }, { labelsToApply: { shared: 'from-second', b: '2', own: 'profile' } }),
      hostEndpoint({ name: 'h', labels: { own: 'endpoint' } }, { node: 'n', interfaceName: 'eth0', profiles: ['first', 'second'] }),
    );
    expect(endpoint.labels).toEqual({ a: '1', b: '2', own: 'endpoint', shared: 'from-first' });
    expect(endpoint.ownLabels).toEqual({ own: 'endpoint' });
  });
});

describe('workload endpoints', () => {
  it('carry namespace, orchestrator and service-account labels; pcns./pcsa. labels are dropped', () => {
    const endpoint = onlyEndpoint(
      workloadEndpoint(
        { name: 'node1-k8s-pod1-eth0', namespace: 'ns1', labels: { app: 'a', 'pcns.fake': 'x' } },
        {
          orchestrator: 'k8s',
          node: 'node1',
          pod: 'pod1',
          endpoint: 'eth0',
          interfaceName: 'cali0123456789a',
          serviceAccountName: 'sa1',
          ipNetworks: ['10.0.0.1/32', 'fd00::1'],
          profiles: ['kns.ns1', 'ksa.ns1.sa1'],
          ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
        },
      ),
      namespace('ns1'),
    );
    expect(endpoint).toMatchObject({
      key: 'workload/ns1/node1-k8s-pod1-eth0',
      source: 'WorkloadEndpoint',
      node: 'node1',
      interfaceName: 'cali0123456789a',
      addresses: ['10.0.0.1/32', 'fd00::1/128'],
      namedPorts: [{ name: 'http', protocol: 'tcp', port: 8080 }],
    });
    expect(endpoint.ownLabels).toEqual({
      app: 'a',
      'projectcalico.org/namespace': 'ns1',
      'projectcalico.org/orchestrator': 'k8s',
      'projectcalico.org/serviceaccount': 'sa1',
    });
    // The implicit ksa.ns1.sa1 profile exists because the WEP references it.
    expect(endpoint.labels['pcsa.projectcalico.org/name']).toBe('sa1');
  });

  it('a k8s WEP for a pod that is also in the input is dropped in favour of the Pod', () => {
    const all = endpoints(
      pod('ns1', 'pod1', { status: { podIP: '10.0.0.1' } }),
      workloadEndpoint({ name: 'node1-k8s-pod1-eth0', namespace: 'ns1' }, { orchestrator: 'k8s', pod: 'pod1', ipNetworks: ['10.0.0.1/32'] }),
      namespace('ns1'),
    );
    expect(all.map((e) => [e.key, e.source])).toEqual([['workload/ns1/pod1', 'Pod']]);
  });

  it('an endpoint key claimed twice keeps the first by position and warns on the other', () => {
    const p = pod('ns1', 'same', { status: { podIP: '10.0.0.1' } });
    const w = workloadEndpoint({ name: 'same', namespace: 'ns1' }, { orchestrator: 'cni', ipNetworks: ['10.0.0.2/32'] });
    const { inventory, diagnostics } = normalize([w, p, namespace('ns1')]);
    expect(inventory.endpoints.map((e) => [e.key, e.source])).toEqual([['workload/ns1/same', 'Pod']]);
    expect(diagnostics.map((d) => [d.code, d.data?.messageId, d.span])).toEqual([['inventory-incomplete', 'conflictingEndpoint', w.span]]);
  });

  it('warns about a profile that is not defined', () => {
    const { diagnostics } = normalize([
      workloadEndpoint({ name: 'w', namespace: 'n' }, { orchestrator: 'cni', ipNetworks: ['10.0.0.1/32'], profiles: ['missing'] }),
    ]);
    expect(diagnostics.map((d) => [d.code, d.data?.messageId, d.data?.profile])).toEqual([['inventory-incomplete', 'undefinedProfile', 'missing']]);
  });
});

describe('host endpoints', () => {
  it('keep labels as written and use expectedIPs as host addresses', () => {
    const endpoint = onlyEndpoint(
      hostEndpoint(
        { name: 'node1-eth0', labels: { role: 'k8s-worker' } },
        { node: 'node1', interfaceName: 'eth0', expectedIPs: ['192.168.1.10', '2001:db8::10'], ports: [{ name: 'ssh', protocol: 'TCP', port: 22 }] },
      ),
    );
    expect(endpoint).toEqual({
      key: 'host/node1-eth0',
      kind: 'host',
      name: 'node1-eth0',
      node: 'node1',
      interfaceName: 'eth0',
      addresses: ['192.168.1.10/32', '2001:db8::10/128'],
      labels: { role: 'k8s-worker' },
      ownLabels: { role: 'k8s-worker' },
      profiles: [],
      namedPorts: [{ name: 'ssh', protocol: 'tcp', port: 22 }],
      source: 'HostEndpoint',
      span: expect.anything(),
    });
  });
});

describe('implicit profiles from the inventory', () => {
  it('creates kns.<ns> and ksa.<ns>.<sa> for namespaces and service accounts pods use', () => {
    const { policySet } = normalize([
      pod('a', 'p1', { status: { podIP: '10.0.0.1' } }),
      pod('a', 'p2', { spec: { serviceAccountName: 'bot' }, status: { podIP: '10.0.0.2' } }),
      pod('b', 'p3', { status: { podIP: '10.0.0.3' } }),
      namespace('a'),
      namespace('b'),
    ]);
    expect(policySet.profiles.map((p) => p.name)).toEqual(['kns.a', 'kns.b', 'ksa.a.bot', 'ksa.a.default', 'ksa.b.default']);
  });
});
