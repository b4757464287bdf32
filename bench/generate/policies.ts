import { externalNet, NODE_NETWORK } from './inventory.js';
import { POD_POOL, type AppPlan, type ClusterLayout, type NamespacePlan } from './layout.js';
import type { Random } from './random.js';
import type { YamlValue } from './yaml-writer.js';

/**
 * The policies of a generated cluster, in the shapes real clusters use:
 * - per application namespace, four Kubernetes NetworkPolicy recipes: default deny (both
 *   directions), allow from the same app, allow from the ingress namespace, egress to DNS;
 * - Calico GlobalNetworkPolicies in tier `security` (order 100: quarantine; per team, pass
 *   its own and the ingress/monitoring namespaces, deny dev, pass the rest) and tier
 *   `platform` (order 200, default action Pass: monitoring, DNS, host endpoints, partner
 *   egress through GlobalNetworkSets), about 5% of all policies;
 * - the rest spread round-robin over the namespaces: Calico NetworkPolicies between apps
 *   with port ranges, named ports, service accounts and namespace selectors, more
 *   allow-same-app recipes, and Kubernetes egress policies with ipBlock and endPort.
 * The total is exactly `layout.size.policies` (at least 4 per namespace plus 6 globals).
 */

type Doc = { [key: string]: YamlValue };

const CALICO = 'projectcalico.org/v3';
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const K8S_PODS = "projectcalico.org/orchestrator == 'k8s'";

export function tiers(): Doc[] {
  return [
    { apiVersion: CALICO, kind: 'Tier', metadata: { name: 'security' }, spec: { defaultAction: 'Deny', order: 100 } },
    { apiVersion: CALICO, kind: 'Tier', metadata: { name: 'platform' }, spec: { defaultAction: 'Pass', order: 200 } },
  ];
}

function gnp(name: string, spec: Doc): Doc {
  return { apiVersion: CALICO, kind: 'GlobalNetworkPolicy', metadata: { name }, spec };
}

function securityPolicies(count: number, layout: ClusterLayout, random: Random): Doc[] {
  const docs = [
    gnp('security.quarantine', {
      egress: [{ action: 'Deny', destination: { selector: "role == 'blocklist'" } }, { action: 'Deny', destination: { selector: "role == 'metadata'" } }, { action: 'Pass' }],
      ingress: [{ action: 'Log', source: { selector: "pcns.quarantine == 'true'" } }, { action: 'Deny', source: { selector: "pcns.quarantine == 'true'" } }, { action: 'Pass' }],
      order: 10,
      selector: K8S_PODS,
      tier: 'security',
      types: ['Ingress', 'Egress'],
    }),
  ];
  for (let k = 0; docs.length < count; k++) {
    const team = layout.teams[k % layout.teams.length] as string;
    if (k < layout.teams.length) {
      docs.push(gnp(`security.guard-${team}`, {
        egress: [{ action: 'Deny', destination: { ports: [25, 465, 587] }, protocol: 'TCP' }, { action: 'Pass' }],
        ingress: [
          { action: 'Pass', source: { selector: `pcns.team == '${team}'` } },
          { action: 'Pass', source: { namespaceSelector: 'has(network.example.com/role)' } },
          { action: 'Deny', source: { selector: "pcns.env == 'dev'" } },
          { action: 'Pass' },
        ],
        order: 100 + k,
        selector: `pcns.team == '${team}'`,
        tier: 'security',
        types: ['Ingress', 'Egress'],
      }));
    } else {
      const nets = [...new Set(Array.from({ length: random.int(1, 4) }, () => externalNet(random)))];
      docs.push(gnp(`security.block-${team}-${k}`, {
        ingress: [{ action: 'Deny', source: { nets } }, { action: 'Pass' }],
        order: 500 + k,
        selector: `pcns.team == '${team}' && tier == '${random.pick(['data', 'backend'])}'`,
        tier: 'security',
        types: ['Ingress'],
      }));
    }
  }
  return docs;
}

function platformPolicies(count: number, layout: ClusterLayout, partners: number, random: Random): Doc[] {
  const dns = { namespaceSelector: "projectcalico.org/name == 'kube-system'", ports: [53], selector: "k8s-app == 'kube-dns'" };
  const docs = [
    gnp('platform.allow-monitoring', {
      ingress: [{ action: 'Allow', destination: { ports: ['metrics'] }, protocol: 'TCP', source: { namespaceSelector: "projectcalico.org/name == 'monitoring'", selector: "app == 'prometheus'" } }],
      order: 10,
      selector: K8S_PODS,
      tier: 'platform',
      types: ['Ingress'],
    }),
    gnp('platform.allow-dns', {
      egress: [{ action: 'Allow', destination: dns, protocol: 'UDP' }, { action: 'Allow', destination: dns, protocol: 'TCP' }],
      order: 20,
      selector: K8S_PODS,
      tier: 'platform',
      types: ['Egress'],
    }),
    gnp('platform.host-baseline', {
      egress: [{ action: 'Allow' }],
      ingress: [
        { action: 'Allow', destination: { ports: ['kubelet', 'node-exporter', 22] }, protocol: 'TCP', source: { nets: [NODE_NETWORK] } },
        { action: 'Allow', source: { nets: [POD_POOL] } },
        { action: 'Deny', source: { selector: "role == 'blocklist'" } },
      ],
      order: 30,
      selector: 'has(host-endpoint)',
      tier: 'platform',
      types: ['Ingress', 'Egress'],
    }),
  ];
  for (let k = 0; docs.length < count; k++) {
    const team = layout.teams[k % layout.teams.length] as string;
    docs.push(gnp(`platform.egress-${team}-${k}`, {
      egress: [{ action: 'Allow', destination: { ports: [443, '8443:8448'], selector: `partner == 'partner-${random.int(0, partners - 1)}'` }, protocol: 'TCP' }],
      order: 100 + k,
      selector: `pcns.team == '${team}' && tier == '${random.pick(['frontend', 'backend'])}'`,
      tier: 'platform',
      types: ['Egress'],
    }));
  }
  return docs;
}

export function globalPolicies(count: number, layout: ClusterLayout, partners: number, random: Random): Doc[] {
  const security = Math.ceil(count * 0.4);
  return [...securityPolicies(security, layout, random), ...platformPolicies(count - security, layout, partners, random)];
}

function knp(ns: NamespacePlan, name: string, spec: Doc): Doc {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns.name }, spec };
}

const appSelector = (app: AppPlan) => ({ matchLabels: { app: app.name } });

function allowSameApp(ns: NamespacePlan, app: AppPlan, name: string): Doc {
  return knp(ns, name, { ingress: [{ from: [{ podSelector: appSelector(app) }] }], podSelector: appSelector(app), policyTypes: ['Ingress'] });
}

/** The four recipes every application namespace has. */
export function namespaceRecipes(ns: NamespacePlan): Doc[] {
  const web = ns.apps[0] as AppPlan;
  const dnsPeer = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };
  return [
    knp(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    allowSameApp(ns, (ns.apps[1] ?? web) as AppPlan, `allow-same-app-${(ns.apps[1] ?? web).name}`),
    knp(ns, 'allow-from-ingress', {
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'network.example.com/role': 'ingress' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
      podSelector: appSelector(web),
      policyTypes: ['Ingress'],
    }),
    knp(ns, 'allow-dns-egress', { egress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }], to: [dnsPeer] }], podSelector: {}, policyTypes: ['Egress'] }),
  ];
}

function cnp(ns: NamespacePlan, name: string, spec: Doc): Doc {
  return { apiVersion: CALICO, kind: 'NetworkPolicy', metadata: { name, namespace: ns.name }, spec };
}

/** Two different apps of a namespace (the same one when it has only one). */
function appPair(ns: NamespacePlan, random: Random): [AppPlan, AppPlan] {
  const from = random.pick(ns.apps);
  const others = ns.apps.filter((app) => app !== from);
  return [from, others.length > 0 ? random.pick(others) : from];
}

/** The `index`-th extra policy of a namespace (`serial` keeps names unique in it). */
export function extraPolicy(ns: NamespacePlan, index: number, serial: number, layout: ClusterLayout, random: Random): Doc {
  const [from, to] = appPair(ns, random);
  const order = 100 + 10 * random.int(0, 80);
  const firstPort = (to.ports[0] as [string, number, string])[0];
  switch (index % 6) {
    case 0: {
      const base = random.pick([8000, 8080, 9000, 9400]);
      return cnp(ns, `allow-${from.name}-to-${to.name}-${serial}`, {
        ingress: [{ action: 'Allow', destination: { ports: [`${base}:${base + 10}`, firstPort] }, protocol: 'TCP', source: { selector: `app == '${from.name}'` } }],
        order,
        selector: `app == '${to.name}'`,
        types: ['Ingress'],
      });
    }
    case 1:
      return cnp(ns, `egress-${from.name}-${serial}`, {
        egress: [
          { action: 'Allow', destination: { ports: [firstPort], selector: `app == '${to.name}'` }, protocol: 'TCP' },
          { action: 'Allow', destination: { ports: [443], selector: "role == 'external-api'" }, protocol: 'TCP' },
        ],
        order,
        selector: `app == '${from.name}'`,
        types: ['Egress'],
      });
    case 2: {
      const app = ns.apps[serial % ns.apps.length] as AppPlan;
      return allowSameApp(ns, app, `allow-same-app-${app.name}-${serial}`);
    }
    case 3:
      return cnp(ns, `allow-sa-${from.name}-to-${to.name}-${serial}`, {
        ingress: [{ action: 'Allow', destination: { ports: ['9000:9100', 8080] }, protocol: 'TCP', source: { serviceAccounts: { names: [from.serviceAccount] } } }],
        order,
        selector: `app == '${to.name}'`,
        types: ['Ingress'],
      });
    case 4:
      return cnp(ns, `allow-frontends-to-${to.name}-${serial}`, {
        ingress: [{ action: 'Allow', destination: { ports: [8080, '8443:8450'] }, protocol: 'TCP', source: { namespaceSelector: `team == '${random.pick(layout.teams)}'`, selector: "tier == 'frontend'" } }],
        order,
        selector: `app == '${to.name}' && tier != 'frontend'`,
        types: ['Ingress'],
      });
    default:
      return knp(ns, `egress-internet-${from.name}-${serial}`, {
        egress: [{ ports: [{ port: 443, protocol: 'TCP' }, { endPort: 8100, port: 8000, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE } }] }],
        podSelector: appSelector(from),
        policyTypes: ['Egress'],
      });
  }
}
