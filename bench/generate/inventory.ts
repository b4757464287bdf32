import { NODE_NETWORK, POD_POOL, type ClusterLayout, type NamespacePlan, type PodPlan } from './layout.js';
import { Random } from './random.js';
import type { YamlValue } from './yaml-writer.js';

/**
 * The inventory documents of a generated cluster, shaped as `kubectl get -o yaml` and
 * `calicoctl get -o yaml` print them: a `List` of Namespaces and ServiceAccounts, a `List`
 * of Pods (with the server-set fields a real dump carries: uid, ownerReferences, status),
 * a HostEndpointList (one per node, interface eth0), GlobalNetworkSets and NetworkSets, and
 * the IP pool. Timestamps and uids are fixed or drawn from the seed: same seed, same bytes.
 */

type Doc = { [key: string]: YamlValue };

const TIMESTAMP = '2024-05-01T10:00:00Z';
const CALICO = 'projectcalico.org/v3';

function uid(random: Random): string {
  return `${random.text(8)}-${random.text(4)}-4${random.text(3)}-a${random.text(3)}-${random.text(12)}`;
}

export function list(items: Doc[], apiVersion = 'v1', kind = 'List'): Doc {
  return { apiVersion, items, kind, metadata: { resourceVersion: '' } };
}

function namespaceDoc(ns: NamespacePlan, random: Random): Doc {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { creationTimestamp: TIMESTAMP, labels: ns.labels, name: ns.name, resourceVersion: String(random.int(1000, 999999)), uid: uid(random) },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

function serviceAccountDocs(ns: NamespacePlan, random: Random): Doc[] {
  return ['default', ...ns.apps.map((app) => app.serviceAccount)].map((name) => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { creationTimestamp: TIMESTAMP, name, namespace: ns.name, resourceVersion: String(random.int(1000, 999999)), uid: uid(random) },
  }));
}

export function namespacesAndServiceAccounts(layout: ClusterLayout, random: Random): Doc {
  const items: Doc[] = [];
  for (const ns of layout.namespaces) items.push(namespaceDoc(ns, random));
  for (const ns of layout.namespaces) items.push(...serviceAccountDocs(ns, random));
  return list(items);
}

function nodeIp(layout: ClusterLayout, node: string): string {
  const n = layout.nodes.indexOf(node) + 10;
  return `172.16.${n >> 8}.${n & 255}`;
}

function podDoc(pod: PodPlan, hostIp: string, random: Random): Doc {
  const app = pod.app;
  const hash = pod.name.split('-').slice(-2, -1)[0] as string;
  const container: Doc = {
    image: `registry.example.com/${app.namespace}/${app.name}:1.${random.int(0, 9)}.${random.int(0, 20)}`,
    imagePullPolicy: 'IfNotPresent',
    name: app.name,
    ports: app.ports.map(([name, port, protocol]) => ({ containerPort: port, name, protocol })),
    resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      creationTimestamp: TIMESTAMP,
      generateName: `${app.name}-${hash}-`,
      labels: { ...app.labels, 'pod-template-hash': hash },
      name: pod.name,
      namespace: app.namespace,
      ownerReferences: [{ apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: 'ReplicaSet', name: `${app.name}-${hash}`, uid: uid(random) }],
      resourceVersion: String(random.int(1000, 9999999)),
      uid: uid(random),
    },
    spec: {
      containers: [container],
      dnsPolicy: 'ClusterFirst',
      nodeName: pod.node,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      serviceAccount: app.serviceAccount,
      serviceAccountName: app.serviceAccount,
      terminationGracePeriodSeconds: 30,
    },
    status: { hostIP: hostIp, phase: 'Running', podIP: pod.ip, podIPs: [{ ip: pod.ip }], qosClass: 'Burstable', startTime: TIMESTAMP },
  };
}

export function podList(layout: ClusterLayout, random: Random): Doc {
  const hostIps = new Map(layout.nodes.map((node) => [node, nodeIp(layout, node)]));
  return list(layout.pods.map((pod) => podDoc(pod, hostIps.get(pod.node) as string, random)));
}

export function hostEndpointList(layout: ClusterLayout): Doc {
  const items = layout.nodes.map((node, n): Doc => ({
    apiVersion: CALICO,
    kind: 'HostEndpoint',
    metadata: { labels: { 'host-endpoint': 'true', 'node-role.kubernetes.io/worker': 'true', zone: `zone-${n % 3}` }, name: `${node}-eth0` },
    spec: {
      expectedIPs: [nodeIp(layout, node)],
      interfaceName: 'eth0',
      node,
      ports: [
        { name: 'kubelet', port: 10250, protocol: 'TCP' },
        { name: 'node-exporter', port: 9100, protocol: 'TCP' },
      ],
    },
  }));
  return list(items, CALICO, 'HostEndpointList');
}

/** A random IPv4 network outside the cluster's ranges (masked, so validation accepts it). */
export function externalNet(random: Random): string {
  const first = random.pick([23, 34, 52, 64, 81, 93, 104, 141, 151, 185, 198, 203]);
  const prefix = random.pick([16, 20, 24, 24, 28, 32]);
  const address = ((first << 24) | (random.int(0, 255) << 16) | (random.int(0, 255) << 8) | random.int(0, 255)) >>> 0;
  const masked = prefix === 32 ? address : (address & ~((1 << (32 - prefix)) - 1)) >>> 0;
  const text = [24, 16, 8, 0].map((shift) => (masked >>> shift) & 255).join('.');
  return `${text}/${prefix}`;
}

function nets(random: Random, min: number, max: number): string[] {
  return [...new Set(Array.from({ length: random.int(min, max) }, () => externalNet(random)))];
}

/** GlobalNetworkSets (blocklist, partners, corporate ranges) and a NetworkSet in every fourth app namespace. */
export function networkSets(layout: ClusterLayout, random: Random): Doc[] {
  const global = (name: string, labels: Record<string, string>, values: string[]): Doc => ({
    apiVersion: CALICO,
    kind: 'GlobalNetworkSet',
    metadata: { labels, name },
    spec: { nets: values },
  });
  const docs: Doc[] = [
    global('threat-blocklist', { role: 'blocklist' }, nets(random, 20, 60)),
    global('corporate-ranges', { role: 'corporate' }, nets(random, 3, 8)),
    global('cloud-metadata', { role: 'metadata' }, ['169.254.169.254/32']),
  ];
  const partners = 2 + Math.floor(layout.size.policies / 500);
  for (let p = 0; p < partners; p++) docs.push(global(`partner-${p}`, { role: 'partner', partner: `partner-${p}` }, nets(random, 2, 10)));
  layout.appNamespaces.forEach((ns, i) => {
    if (i % 4 !== 0) return;
    docs.push({ apiVersion: CALICO, kind: 'NetworkSet', metadata: { labels: { role: 'external-api' }, name: 'external-apis', namespace: ns.name }, spec: { nets: nets(random, 1, 5) } });
  });
  return docs;
}

export function ipPools(): Doc[] {
  return [{ apiVersion: CALICO, kind: 'IPPool', metadata: { name: 'default-ipv4-ippool' }, spec: { blockSize: 24, cidr: POD_POOL, ipipMode: 'Never', natOutgoing: true, nodeSelector: 'all()', vxlanMode: 'CrossSubnet' } }];
}

export { NODE_NETWORK };
