import fc from 'fast-check';

/**
 * Seeded generators for the run-vs-reference campaign: small clusters written as YAML
 * text (so the whole loader → model → plan → IR pipeline runs on them) and flows between
 * their endpoints and a few external addresses. Value sets are small so that labels,
 * addresses and ports collide often. Every generated resource is meant to be valid
 * (docs/calico-semantics.md §4): ports only with a port protocol (named ports also without one), ICMP
 * fields only with an ICMP protocol and the matching ipVersion, nets of one family.
 */

const NAMESPACES = ['a', 'b'];
const SELECTORS = ["app == 'web'", "app == 'db'", "app in {'api', 'db'}", 'has(tier)', "tier != 'front'", 'all()', "role == 'gw'", '!has(app)'];
const NAMESPACE_SELECTORS = ["team == 'x'", 'all()', 'global()'];
const NETS: Record<4 | 6, string[]> = {
  4: ['10.0.0.0/24', '10.0.0.1/32', '10.0.0.2/31', '10.0.0.0/8', '192.168.1.0/24', '198.51.100.0/24'],
  6: ['fd00::/64', 'fd00::2/128', '2001:db8::/32', 'fd00:1::/64'],
};
const PORTS: (number | string)[] = [80, 22, 5432, 8080, '8000:8100', 'http', 53];
const PROTOCOLS = ['TCP', 'UDP', 'ICMP', 'ICMPv6', 'SCTP', 47, 'TCP', 'UDP'] as const;
const ICMP_TYPES: Record<4 | 6, number[]> = { 4: [8, 0, 3], 6: [128, 129, 1] };

type Json = Record<string, unknown>;

const entityArb = fc.record(
  {
    selector: fc.constantFrom(...SELECTORS),
    notSelector: fc.constantFrom(...SELECTORS),
    namespaceSelector: fc.constantFrom(...NAMESPACE_SELECTORS),
    nets: fc.integer({ min: 0, max: 5 }),
    notNets: fc.integer({ min: 0, max: 5 }),
    ports: fc.subarray(PORTS, { minLength: 1, maxLength: 2 }),
    notPorts: fc.subarray(PORTS, { minLength: 1, maxLength: 1 }),
  },
  { requiredKeys: [] },
);

const ruleArb = fc
  .record(
    {
      action: fc.constantFrom('Allow', 'Deny', 'Pass', 'Log', 'Allow', 'Deny'),
      protocol: fc.option(fc.constantFrom(...PROTOCOLS), { nil: undefined }),
      notProtocol: fc.option(fc.constantFrom('TCP', 'UDP'), { nil: undefined, freq: 4 }),
      family: fc.constantFrom<4 | 6>(4, 4, 6),
      pinVersion: fc.boolean(),
      icmp: fc.option(fc.record({ type: fc.nat(2), code: fc.option(fc.nat(1), { nil: undefined }), negate: fc.boolean() }), { nil: undefined }),
      source: entityArb,
      destination: entityArb,
    },
    { requiredKeys: ['action', 'family', 'pinVersion', 'source', 'destination'] },
  )
  .map(validRule);

/** Turns a raw generated rule into one the validator accepts. */
function validRule(raw: {
  action: string;
  protocol?: string | number;
  notProtocol?: string;
  family: 4 | 6;
  pinVersion: boolean;
  icmp?: { type: number; code?: number; negate: boolean };
  source: Json;
  destination: Json;
}): Json {
  const protocol = raw.protocol;
  const family: 4 | 6 = protocol === 'ICMP' ? 4 : protocol === 'ICMPv6' ? 6 : raw.family;
  const withPorts = protocol === 'TCP' || protocol === 'UDP' || protocol === 'SCTP';
  const rule: Json = { action: raw.action };
  if (protocol !== undefined) rule.protocol = protocol;
  else if (raw.notProtocol !== undefined) rule.notProtocol = raw.notProtocol;
  if (protocol === 'ICMP' || protocol === 'ICMPv6' || raw.pinVersion) rule.ipVersion = family;
  if (raw.icmp && (protocol === 'ICMP' || protocol === 'ICMPv6')) {
    const icmp: Json = { type: ICMP_TYPES[family][raw.icmp.type] };
    if (raw.icmp.code !== undefined) icmp.code = raw.icmp.code;
    rule[raw.icmp.negate ? 'notICMP' : 'icmp'] = icmp;
  }
  for (const side of ['source', 'destination'] as const) {
    const entity: Json = { ...raw[side] };
    for (const field of ['nets', 'notNets'] as const) {
      const pick = entity[field] as number | undefined;
      if (pick === undefined) continue;
      const nets = NETS[family];
      entity[field] = [nets[pick % nets.length], ...(pick > 3 ? [nets[(pick + 1) % nets.length]] : [])];
    }
    for (const field of ['ports', 'notPorts'] as const) {
      const ports = entity[field] as (number | string)[] | undefined;
      if (ports === undefined) continue;
      const kept = withPorts ? ports : protocol === undefined ? ports.filter((port) => port === 'http') : [];
      if (kept.length > 0) entity[field] = kept;
      else delete entity[field];
    }
    if (Object.keys(entity).length > 0) rule[side] = entity;
  }
  return rule;
}

const rulesArb = fc.array(ruleArb, { maxLength: 3 });

const policyArb = fc.record({
  kind: fc.constantFrom('GlobalNetworkPolicy', 'NetworkPolicy', 'NetworkPolicy', 'StagedNetworkPolicy', 'StagedGlobalNetworkPolicy'),
  namespace: fc.constantFrom(...NAMESPACES),
  tier: fc.constantFrom('default', 'security', 'platform'),
  order: fc.option(fc.constantFrom(1, 10, 100), { nil: undefined }),
  selector: fc.constantFrom(...SELECTORS),
  ingress: rulesArb,
  egress: rulesArb,
});

const hostPolicyArb = fc.record({
  mode: fc.constantFrom('normal', 'applyOnForward', 'preDNAT', 'doNotTrack'),
  tier: fc.constantFrom('default', 'security'),
  order: fc.option(fc.constantFrom(1, 10, 100), { nil: undefined }),
  ingress: rulesArb,
  egress: rulesArb,
});

const podArb = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  labels: fc.record({ app: fc.constantFrom('web', 'db', 'api'), tier: fc.constantFrom('front', 'back') }, { requiredKeys: [] }),
  family: fc.constantFrom('v4', 'v4', 'dual', 'v6'),
  node: fc.constantFrom('node-1', 'node-2'),
  namedPort: fc.constantFrom(undefined, 80, 8080),
});

const hepArb = fc.record({
  node: fc.constantFrom('node-1', 'node-2'),
  dual: fc.boolean(),
  profile: fc.boolean(),
});

export const clusterArb = fc.record({
  pods: fc.array(podArb, { minLength: 1, maxLength: 5 }),
  heps: fc.array(hepArb, { maxLength: 2 }),
  policies: fc.array(policyArb, { maxLength: 4 }),
  hostPolicies: fc.array(hostPolicyArb, { maxLength: 2 }),
  edgeProfile: fc.record({ ingress: rulesArb, egress: rulesArb }),
  securityDefault: fc.constantFrom('Deny', 'Pass'),
  platformDefault: fc.constantFrom('Deny', 'Pass'),
});

export type ClusterShape = typeof clusterArb extends fc.Arbitrary<infer T> ? T : never;

const doc = (apiVersion: string, kind: string, metadata: Json, rest: Json = {}) => ({ apiVersion, kind, metadata, ...rest });
const CALICO = 'projectcalico.org/v3';

function podDocuments(shape: ClusterShape): Json[] {
  return shape.pods.map((pod, index) => {
    const ips = [...(pod.family !== 'v6' ? [`10.0.0.${index + 1}`] : []), ...(pod.family !== 'v4' ? [`fd00::${index + 1}`] : [])];
    const ports = pod.namedPort === undefined ? [] : [{ name: 'http', containerPort: pod.namedPort }];
    return doc('v1', 'Pod', { name: `pod-${index}`, namespace: pod.namespace, labels: pod.labels }, {
      spec: { nodeName: pod.node, containers: [{ name: 'main', ports }] },
      status: { podIPs: ips.map((ip) => ({ ip })) },
    });
  });
}

function hostDocuments(shape: ClusterShape): Json[] {
  const out = shape.heps.map((hep, index) => {
    const expectedIPs = [`192.168.1.${index + 10}`, ...(hep.dual ? [`fd00:1::${index + 10}`] : [])];
    const spec = { node: hep.node, interfaceName: `eth${index + 1}`, expectedIPs, ...(hep.profile ? { profiles: ['edge'] } : {}) };
    return doc(CALICO, 'HostEndpoint', { name: `hep-${index}`, labels: { role: 'gw' } }, { spec });
  });
  out.push(doc(CALICO, 'Profile', { name: 'edge' }, { spec: shape.edgeProfile }));
  shape.hostPolicies.forEach((policy, index) => {
    const spec: Json = { tier: policy.tier, selector: "role == 'gw'", ingress: policy.ingress, egress: policy.egress };
    if (policy.order !== undefined) spec.order = policy.order;
    if (policy.mode !== 'normal') spec.applyOnForward = true;
    if (policy.mode === 'doNotTrack') spec.doNotTrack = true;
    if (policy.mode === 'preDNAT') Object.assign(spec, { preDNAT: true, egress: [], types: ['Ingress'] });
    out.push(doc(CALICO, 'GlobalNetworkPolicy', { name: `host-${index}` }, { spec }));
  });
  return out;
}

function policyDocument(policy: ClusterShape['policies'][number], index: number): Json {
  const spec: Json = { tier: policy.tier, selector: policy.selector, ingress: policy.ingress, egress: policy.egress };
  if (policy.order !== undefined) spec.order = policy.order;
  if (policy.kind.startsWith('Staged')) spec.stagedAction = 'Set';
  const namespaced = policy.kind.endsWith('NetworkPolicy') && !policy.kind.includes('Global');
  return doc(CALICO, policy.kind, namespaced ? { name: `pol-${index}`, namespace: policy.namespace } : { name: `pol-${index}` }, { spec });
}

/** The cluster as one YAML stream (JSON documents are YAML). */
export function clusterYaml(shape: ClusterShape): string {
  const documents: Json[] = [
    doc(CALICO, 'Tier', { name: 'security' }, { spec: { order: 10, defaultAction: shape.securityDefault } }),
    doc(CALICO, 'Tier', { name: 'platform' }, { spec: { order: 20, defaultAction: shape.platformDefault } }),
    ...NAMESPACES.map((name, index) => doc('v1', 'Namespace', { name, labels: index === 0 ? { team: 'x' } : {} })),
    doc(CALICO, 'GlobalNetworkSet', { name: 'net-0', labels: { app: 'db' } }, { spec: { nets: ['198.51.100.0/30', '2001:db8::/126'] } }),
    ...podDocuments(shape),
    ...hostDocuments(shape),
    ...shape.policies.map(policyDocument),
  ];
  return documents.map((document) => JSON.stringify(document)).join('\n---\n');
}

const EXTERNAL = ['198.51.100.1', '198.51.100.99', '10.0.0.77', '192.168.1.99', '2001:db8::1', 'fd00::99'];
const FLOW_PROTOCOLS = ['TCP', 'TCP', 'UDP', 'SCTP', 'ICMP', 'ICMPv6', '47'];
const FLOW_PORTS = [80, 22, 5432, 8080, 8050, 53, 179, 68, 6443, 1234];

/** A flow between generated ends (indexes into the cluster's endpoints, wrapped), as a flows-file item. */
export const flowArb = fc.record({
  source: fc.nat(20),
  destination: fc.nat(20),
  protocol: fc.constantFrom(...FLOW_PROTOCOLS),
  port: fc.constantFrom(...FLOW_PORTS),
  sport: fc.constantFrom(40000, 53, 68, 179, 22),
  icmpType: fc.constantFrom(8, 0, 3, 128, 129, 1),
  icmpCode: fc.nat(1),
  /** For an external source (or destination): the host endpoint it arrives (leaves) by, if it exists. */
  ingressHost: fc.option(fc.nat(1), { nil: undefined }),
  egressHost: fc.option(fc.nat(1), { nil: undefined }),
});

export type FlowShape = typeof flowArb extends fc.Arbitrary<infer T> ? T : never;

export interface GeneratedFlow {
  src: string;
  dst: string;
  protocol: string;
  port?: number;
  sport?: number;
  icmpType?: number;
  icmpCode?: number;
  ingressHostEndpoint?: string;
  egressHostEndpoint?: string;
}

export interface GeneratedEnd {
  name: string;
  kind: 'workload' | 'host';
  node?: string;
}

/**
 * Picks the ends among the endpoints and external addresses, and for external ends maybe
 * the host endpoint they cross. A host endpoint named for a flow whose other end is a host
 * must be on that host's node (a host sends and receives only through its own interfaces).
 */
export function flowFor(shape: FlowShape, endpoints: GeneratedEnd[]): GeneratedFlow {
  const ends = [...endpoints.map((e) => e.name), ...EXTERNAL];
  const flow: GeneratedFlow = { src: ends[shape.source % ends.length] as string, dst: ends[shape.destination % ends.length] as string, protocol: shape.protocol };
  const heps = endpoints.filter((e) => e.kind === 'host');
  const hostNode = (name: string) => endpoints.find((e) => e.name === name && e.kind === 'host')?.node;
  const usable = (hep: GeneratedEnd | undefined, otherEnd: string) => hep !== undefined && (hostNode(otherEnd) === undefined || hostNode(otherEnd) === hep.node);
  const ingress = shape.ingressHost === undefined ? undefined : heps[shape.ingressHost];
  const egress = shape.egressHost === undefined ? undefined : heps[shape.egressHost];
  if (EXTERNAL.includes(flow.src) && usable(ingress, flow.dst)) flow.ingressHostEndpoint = ingress?.name;
  if (EXTERNAL.includes(flow.dst) && usable(egress, flow.src)) flow.egressHostEndpoint = egress?.name;
  if (shape.protocol === 'TCP' || shape.protocol === 'UDP' || shape.protocol === 'SCTP') Object.assign(flow, { port: shape.port, sport: shape.sport });
  if (shape.protocol === 'ICMP' || shape.protocol === 'ICMPv6') Object.assign(flow, { icmpType: shape.icmpType, icmpCode: shape.icmpCode });
  return flow;
}
