import { Random } from './random.js';

/**
 * The shape of a generated cluster before it becomes YAML: namespaces (with team, env
 * and quarantine labels), the apps in each (deployments: app/tier/role labels, a service
 * account, named container ports) and every pod with its node and address. Pods are
 * spread round-robin over `ceil(pods / PODS_PER_NODE)` nodes; each node owns a /24 of
 * the pod pool 10.64.0.0/10 (as Calico's IPAM blocks do) and has one host endpoint.
 */

export interface ClusterSize {
  policies: number;
  pods: number;
}

export const SIZES = {
  S: { policies: 100, pods: 1_000 },
  M: { policies: 1_000, pods: 10_000 },
  L: { policies: 10_000, pods: 50_000 },
} as const satisfies Record<string, ClusterSize>;

export type SizeName = keyof typeof SIZES;

export const PODS_PER_NODE = 250;
export const POD_POOL = '10.64.0.0/10';
export const NODE_NETWORK = '172.16.0.0/16';

export type NamedPort = [name: string, port: number, protocol: 'TCP' | 'UDP'];

export interface AppPlan {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  serviceAccount: string;
  ports: NamedPort[];
  replicas: number;
}

export interface NamespacePlan {
  name: string;
  labels: Record<string, string>;
  system: boolean;
  team: string;
  apps: AppPlan[];
}

export interface PodPlan {
  name: string;
  app: AppPlan;
  node: string;
  ip: string;
}

export interface ClusterLayout {
  size: ClusterSize;
  nodes: string[];
  teams: string[];
  namespaces: NamespacePlan[];
  /** Namespaces with application workloads (and their policies), in order. */
  appNamespaces: NamespacePlan[];
  pods: PodPlan[];
}

interface AppKind {
  name: string;
  tier: 'frontend' | 'backend' | 'data';
  role: string;
  ports: NamedPort[];
}

export const APP_KINDS: readonly AppKind[] = [
  { name: 'web', tier: 'frontend', role: 'server', ports: [['http', 8080, 'TCP'], ['metrics', 9090, 'TCP']] },
  { name: 'api', tier: 'backend', role: 'server', ports: [['http', 8080, 'TCP'], ['grpc', 9000, 'TCP'], ['metrics', 9090, 'TCP']] },
  { name: 'worker', tier: 'backend', role: 'worker', ports: [['metrics', 9090, 'TCP']] },
  { name: 'cache', tier: 'data', role: 'cache', ports: [['redis', 6379, 'TCP'], ['metrics', 9121, 'TCP']] },
  { name: 'db', tier: 'data', role: 'primary', ports: [['postgres', 5432, 'TCP'], ['metrics', 9187, 'TCP']] },
  { name: 'queue', tier: 'data', role: 'broker', ports: [['amqp', 5672, 'TCP'], ['metrics', 15692, 'TCP']] },
  { name: 'auth', tier: 'backend', role: 'server', ports: [['http', 8080, 'TCP'], ['metrics', 9090, 'TCP']] },
  { name: 'search', tier: 'data', role: 'server', ports: [['http', 9200, 'TCP'], ['transport', 9300, 'TCP']] },
];

const ENVS = ['prod', 'prod', 'staging', 'dev'];

/** Namespaces every cluster has; their pods count towards the size. */
function systemNamespaces(pods: number): NamespacePlan[] {
  const extra = Math.floor(pods / 5000);
  const app = (namespace: string, name: string, labels: Record<string, string>, ports: NamedPort[], replicas: number): AppPlan => ({
    name,
    namespace,
    labels,
    serviceAccount: name,
    ports,
    replicas,
  });
  const ns = (name: string, labels: Record<string, string>, apps: AppPlan[]): NamespacePlan => ({
    name,
    labels: { 'kubernetes.io/metadata.name': name, ...labels },
    system: true,
    team: 'platform',
    apps,
  });
  return [
    ns('kube-system', {}, [app('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, [['dns', 53, 'UDP'], ['dns-tcp', 53, 'TCP'], ['metrics', 9153, 'TCP']], 2 + extra)]),
    ns('ingress-nginx', { 'network.example.com/role': 'ingress' }, [
      app('ingress-nginx', 'ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx', app: 'ingress-nginx' }, [['http', 80, 'TCP'], ['https', 443, 'TCP']], 2 + extra),
    ]),
    ns('monitoring', { 'network.example.com/role': 'monitoring' }, [app('monitoring', 'prometheus', { app: 'prometheus' }, [['web', 9090, 'TCP']], 1 + Math.floor(extra / 2))]),
  ];
}

/** Splits `total` into `parts` integers that differ by at most one. */
function spread(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

function appNamespace(index: number, teams: string[], podCount: number, random: Random): NamespacePlan {
  const team = teams[index % teams.length] as string;
  const name = `${team}-${random.pick(['shop', 'pay', 'data', 'id', 'media', 'ops', 'geo', 'ml'])}-${index}`;
  const env = random.pick(ENVS);
  const labels: Record<string, string> = { 'kubernetes.io/metadata.name': name, team, env };
  const appCount = Math.max(2, Math.min(APP_KINDS.length, Math.round(podCount / 12)));
  // web first (the ingress recipe targets it), the others in a random order.
  const kinds = [APP_KINDS[0] as AppKind, ...random.shuffle(APP_KINDS.slice(1))].slice(0, appCount);
  const replicas = spread(podCount, kinds.length);
  const apps = kinds.map((kind, i): AppPlan => ({
    name: kind.name,
    namespace: name,
    labels: { app: kind.name, tier: kind.tier, role: kind.role, version: `v${random.int(1, 3)}` },
    serviceAccount: kind.name,
    ports: kind.ports,
    replicas: replicas[i] as number,
  }));
  return { name, labels, system: false, team, apps };
}

function podsOf(namespaces: readonly NamespacePlan[], nodes: readonly string[], random: Random): PodPlan[] {
  const pods: PodPlan[] = [];
  for (const namespace of namespaces) {
    const names = new Set<string>();
    for (const app of namespace.apps) {
      const replicaSet = random.text(10, '0123456789bcdfghjklmnpqrstvwxz');
      for (let r = 0; r < app.replicas; r++) {
        let name: string;
        do name = `${app.name}-${replicaSet}-${random.text(5, 'bcdfghjklmnpqrstvwxz2456789')}`;
        while (names.has(name));
        names.add(name);
        const index = pods.length;
        const node = index % nodes.length;
        const slot = Math.floor(index / nodes.length);
        pods.push({ name, app, node: nodes[node] as string, ip: `10.${64 + (node >> 8)}.${node & 255}.${slot + 1}` });
      }
    }
  }
  return pods;
}

export function planCluster(size: ClusterSize, seed: number): ClusterLayout {
  const random = new Random(seed);
  const nodeCount = Math.max(1, Math.ceil(size.pods / PODS_PER_NODE));
  const nodes = Array.from({ length: nodeCount }, (_, n) => `node-${String(n).padStart(3, '0')}`);
  const system = systemNamespaces(size.pods);
  const systemPods = system.reduce((sum, ns) => sum + ns.apps.reduce((s, app) => s + app.replicas, 0), 0);
  const appNamespaceCount = Math.max(3, Math.round(size.policies / 10));
  const teams = Array.from({ length: Math.max(2, Math.round(appNamespaceCount / 8)) }, (_, i) => `team-${i}`);
  const perNamespace = spread(size.pods - systemPods, appNamespaceCount);
  const appNamespaces = perNamespace.map((count, i) => appNamespace(i, teams, count, random));
  // At least one quarantined namespace (the security tier's first policy acts on it).
  for (const ns of appNamespaces) if (ns === appNamespaces[appNamespaces.length - 1] || random.chance(0.02)) ns.labels.quarantine = 'true';
  const namespaces = [...system, ...appNamespaces];
  return { size, nodes, teams, namespaces, appNamespaces, pods: podsOf(namespaces, nodes, random) };
}
