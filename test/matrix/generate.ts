import fc from 'fast-check';
import type { Span } from '../../src/diag/index.js';
import type { EntityRule, PolicySpec, Resource, Rule } from '../../src/model/index.js';

/**
 * Seeded generators of small clusters as already-validated resources (they go straight
 * to normalize(), so the matrix tests do not depend on the YAML loader). The value sets
 * are small on purpose: labels, ports and addresses collide often, which is where sharing
 * work between cells could go wrong.
 */

let nextOffset = 0;
function span(): Span {
  nextOffset += 10;
  return { file: 'generated.yaml', line: nextOffset, column: 1, endLine: nextOffset, endColumn: 2, offset: nextOffset, length: 1 };
}

function resource(apiVersion: string, kind: string, metadata: Record<string, unknown>, spec: unknown, extra: Record<string, unknown> = {}): Resource {
  return { apiVersion, kind, metadata, spec, span: span(), spans: {}, ...extra } as unknown as Resource;
}

const NAMESPACES = ['a', 'b', 'c'];
const APPS = ['web', 'db', 'api'];
const SELECTORS = ["app == 'web'", "app == 'db'", "app in {'api', 'db'}", 'has(tier)', "tier != 'front'", 'all()', "role == 'gw'", "pcns.team == 'x'"];
const NETS = ['10.0.0.0/24', '10.0.0.1/32', '10.0.1.0/24', '10.0.0.0/8', 'fd00::/64', 'fd00::2/128', '192.168.0.0/16'];
const PORTS: (number | string)[] = [80, 5432, 8080, '8000:8100', 'http', 53];

const labelsArb = fc.record(
  { app: fc.constantFrom(...APPS), tier: fc.constantFrom('front', 'back') },
  { requiredKeys: [] },
);

const entityArb: fc.Arbitrary<EntityRule> = fc.record(
  {
    selector: fc.constantFrom(...SELECTORS),
    notSelector: fc.constantFrom(...SELECTORS),
    namespaceSelector: fc.constantFrom("team == 'x'", 'all()', 'global()'),
    nets: fc.subarray(NETS, { minLength: 1, maxLength: 2 }),
    notNets: fc.subarray(NETS, { minLength: 1, maxLength: 1 }),
    ports: fc.subarray(PORTS, { minLength: 1, maxLength: 2 }),
    notPorts: fc.subarray(PORTS, { minLength: 1, maxLength: 1 }),
  },
  { requiredKeys: [] },
);

const ruleArb: fc.Arbitrary<Rule> = fc
  .record(
    {
      action: fc.constantFrom('Allow', 'Deny', 'Pass', 'Log', 'Allow', 'Deny'),
      protocol: fc.constantFrom('TCP', 'UDP', 'ICMP', 'ICMPv6', 'TCP'),
      source: entityArb,
      destination: entityArb,
    },
    { requiredKeys: ['action'] },
  )
  .map((rule) => {
    // Ports need a port protocol (validation would reject them otherwise).
    const portProtocol = rule.protocol === 'TCP' || rule.protocol === 'UDP';
    for (const side of [rule.source, rule.destination]) {
      if (side && !portProtocol) {
        delete side.ports;
        delete side.notPorts;
      }
    }
    return rule as Rule;
  });

const policySpecArb = fc.record(
  {
    tier: fc.constantFrom('default', 'security'),
    order: fc.constantFrom(1, 10, 100),
    selector: fc.constantFrom(...SELECTORS),
    ingress: fc.array(ruleArb, { maxLength: 3 }),
    egress: fc.array(ruleArb, { maxLength: 3 }),
  },
  { requiredKeys: ['selector'] },
);

const hostPolicyArb = fc.record({
  spec: policySpecArb,
  untracked: fc.boolean(),
});

const k8sPeer = fc.record(
  { podSelector: fc.record({ matchLabels: labelsArb }), namespaceSelector: fc.constantFrom({ matchLabels: { team: 'x' } }, {}) },
  { requiredKeys: [] },
);
const k8sRule = fc.record({ peers: fc.array(k8sPeer, { maxLength: 2 }), ports: fc.subarray([{ port: 80 }, { port: 5432, protocol: 'UDP' as const }, { port: 'http' }]) });
const k8sPolicyArb = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  podSelector: labelsArb,
  ingress: fc.array(k8sRule, { maxLength: 2 }),
  egress: fc.option(fc.array(k8sRule, { maxLength: 2 })),
});

const podArb = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  labels: labelsArb,
  family: fc.constantFrom('v4', 'v4', 'dual', 'v6'),
  host: fc.integer({ min: 1, max: 6 }),
  namedPort: fc.boolean(),
});

const hepArb = fc.record({
  family: fc.constantFrom('v4', 'dual', 'none'),
  host: fc.integer({ min: 1, max: 6 }),
  profile: fc.boolean(),
});

export const clusterArb = fc.record({
  pods: fc.array(podArb, { minLength: 1, maxLength: 7 }),
  heps: fc.array(hepArb, { maxLength: 2 }),
  policies: fc.array(policySpecArb, { maxLength: 4 }),
  namespaced: fc.array(fc.record({ namespace: fc.constantFrom(...NAMESPACES), spec: policySpecArb, staged: fc.boolean() }), { maxLength: 2 }),
  hostPolicies: fc.array(hostPolicyArb, { maxLength: 2 }),
  k8s: fc.array(k8sPolicyArb, { maxLength: 2 }),
  securityDefault: fc.constantFrom('Deny', 'Pass'),
});

export type ClusterShape = typeof clusterArb extends fc.Arbitrary<infer T> ? T : never;

function k8sSide(rule: { peers: unknown[]; ports: unknown[] }, peerKey: 'from' | 'to') {
  return { ...(rule.peers.length > 0 ? { [peerKey]: rule.peers } : {}), ...(rule.ports.length > 0 ? { ports: rule.ports } : {}) };
}

function addresses(family: string, host: number, subnet: number): { v4?: string; v6?: string } {
  return {
    ...(family === 'v4' || family === 'dual' ? { v4: `10.0.${subnet}.${host}` } : {}),
    ...(family === 'v6' || family === 'dual' ? { v6: `fd00::${host}` } : {}),
  };
}

function podResources(shape: ClusterShape): Resource[] {
  return shape.pods.map((pod, index) => {
    const ips = addresses(pod.family, pod.host, 0);
    const podIPs = [ips.v4, ips.v6].filter((ip): ip is string => ip !== undefined).map((ip) => ({ ip }));
    const ports = pod.namedPort ? [{ name: 'http', containerPort: index % 2 === 0 ? 80 : 8080 }] : [];
    const spec = { nodeName: `node-${pod.host % 3}`, containers: [{ name: 'main', ports }] };
    return resource('v1', 'Pod', { name: `pod-${index}`, namespace: pod.namespace, labels: pod.labels }, spec, { status: { podIPs } });
  });
}

function hostResources(shape: ClusterShape): Resource[] {
  const out: Resource[] = shape.heps.map((hep, index) => {
    const ips = addresses(hep.family, hep.host, 1);
    const expectedIPs = [ips.v4, ips.v6].filter((ip): ip is string => ip !== undefined);
    const spec = { node: `node-${index}`, interfaceName: 'eth0', expectedIPs, ...(hep.profile ? { profiles: ['edge'] } : {}) };
    return resource('projectcalico.org/v3', 'HostEndpoint', { name: `hep-${index}`, labels: { role: 'gw' } }, spec);
  });
  out.push(resource('projectcalico.org/v3', 'Profile', { name: 'edge' }, { ingress: [{ action: 'Allow' }], egress: [{ action: 'Allow', protocol: 'TCP', destination: { ports: [80] } }] }));
  shape.hostPolicies.forEach((policy, index) => {
    const spec: PolicySpec = { ...policy.spec, selector: "role == 'gw'", ...(policy.untracked ? { doNotTrack: true, applyOnForward: true } : {}) };
    out.push(resource('projectcalico.org/v3', 'GlobalNetworkPolicy', { name: `host-${index}` }, spec));
  });
  return out;
}

/** The resources of a generated cluster (the order is the generator's; tests shuffle it). */
export function clusterResources(shape: ClusterShape): Resource[] {
  const out: Resource[] = [
    resource('projectcalico.org/v3', 'Tier', { name: 'security' }, { order: 10, defaultAction: shape.securityDefault }),
    ...NAMESPACES.map((name, index) => resource('v1', 'Namespace', { name, labels: index === 0 ? { team: 'x' } : {} }, {})),
    resource('projectcalico.org/v3', 'GlobalNetworkSet', { name: 'net-0', labels: { app: 'db' } }, { nets: ['10.0.0.0/30', 'fd00::/126'] }),
    ...podResources(shape),
    ...hostResources(shape),
  ];
  shape.policies.forEach((spec, index) => out.push(resource('projectcalico.org/v3', 'GlobalNetworkPolicy', { name: `gnp-${index}` }, spec)));
  shape.namespaced.forEach((policy, index) => {
    const kind = policy.staged ? 'StagedNetworkPolicy' : 'NetworkPolicy';
    out.push(resource('projectcalico.org/v3', kind, { name: `np-${index}`, namespace: policy.namespace }, policy.spec));
  });
  shape.k8s.forEach((policy, index) => {
    const spec = {
      podSelector: { matchLabels: policy.podSelector },
      ingress: policy.ingress.map((rule) => k8sSide(rule, 'from')),
      ...(policy.egress ? { egress: policy.egress.map((rule) => k8sSide(rule, 'to')), policyTypes: ['Ingress', 'Egress'] } : {}),
    };
    out.push(resource('networking.k8s.io/v1', 'KubernetesNetworkPolicy', { name: `knp-${index}`, namespace: policy.namespace }, spec));
  });
  return out;
}
