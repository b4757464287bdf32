import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'egress-blocks-dns';

function pod(namespace: string, name: string, labels: string, ip: string): string {
  return `  - apiVersion: v1
    kind: Pod
    metadata: {name: ${name}, namespace: ${namespace}, labels: {${labels}}}
    spec: {nodeName: node-1, containers: [{name: c}]}
    status: {podIP: ${ip}}
`;
}

const NAMESPACES = `apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
  - {apiVersion: v1, kind: Namespace, metadata: {name: kube-system, labels: {kubernetes.io/metadata.name: kube-system}}}
`;
const DNS_PODS = pod('kube-system', 'coredns-1', 'k8s-app: kube-dns', '10.65.9.1') + pod('kube-system', 'coredns-2', 'k8s-app: kube-dns', '10.65.9.2');
const SHOP_PODS = pod('shop', 'web', 'app: web', '10.65.0.10') + pod('shop', 'api', 'app: api', '10.65.0.11');

/** 26 lines: namespaces, two DNS pods, two shop pods, then `---`; the next document starts on line 27. */
const CLUSTER = `${NAMESPACES}${DNS_PODS}${SHOP_PODS}---\n`;

const DEFAULT_DENY_EGRESS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-egress
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Egress]
`;

const ALLOW_DNS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: kube-system}
          podSelector:
            matchLabels: {k8s-app: kube-dns}
      ports:
        - {protocol: UDP, port: 53}
`;

describe("rule 'egress-blocks-dns'", () => {
  it('reports an egress default deny without a DNS allow once, at the policy, counting the endpoints', () => {
    const found = findings(`${CLUSTER}${DEFAULT_DENY_EGRESS}`, CODE);
    expect(positions(found)).toEqual([{ severity: 'warning', line: 27, column: 1 }]);
    expect(found[0]?.data).toMatchObject({ messageId: 'tierDenies', count: 2, examples: 'shop/api, shop/web' });
  });

  it('does not report when DNS to the kube-dns pods is allowed', () => {
    expect(findings(`${CLUSTER}${DEFAULT_DENY_EGRESS}---\n${ALLOW_DNS}`, CODE)).toEqual([]);
  });

  it('blames the policy whose Deny rule decides', () => {
    const text = `${CLUSTER}apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: no-udp
spec:
  order: 10
  selector: app == 'web'
  egress:
    - action: Deny
      protocol: UDP
    - action: Allow
`;
    const found = findings(text, CODE);
    expect(positions(found)).toEqual([{ severity: 'warning', line: 27, column: 1 }]);
    expect(found[0]?.data).toMatchObject({ messageId: 'ruleDenies', count: 1, rule: 0 });
  });

  it('without kube-dns pods, checks DNS to an address outside the cluster', () => {
    const cluster = `${NAMESPACES}${SHOP_PODS}---\n`;
    const internalOnly = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: internal-only
  namespace: shop
spec:
  selector: app == 'web'
  egress:
    - action: Allow
      destination:
        nets: [10.0.0.0/8]
`;
    expect(positions(findings(`${cluster}${internalOnly}`, CODE))).toEqual([{ severity: 'warning', line: 17, column: 1 }]);
    const open = internalOnly.replace('nets: [10.0.0.0/8]', 'nets: [0.0.0.0/0]');
    expect(findings(`${cluster}${open}`, CODE)).toEqual([]);
  });

  it('ignores endpoints no egress policy selects', () => {
    const ingressOnly = DEFAULT_DENY_EGRESS.replace('policyTypes: [Egress]', 'policyTypes: [Ingress]');
    expect(findings(`${CLUSTER}${ingressOnly}`, CODE)).toEqual([]);
  });

  describe('without endpoints', () => {
    const denyAll = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: deny-egress
spec:
  selector: all()
  types: [Egress]
`;

    it('reports a rule-less egress policy when nothing in the input allows DNS', () => {
      expect(positions(findings(denyAll, CODE))).toEqual([{ severity: 'warning', line: 1, column: 1 }]);
      expect(findings(denyAll, CODE)[0]?.data?.messageId).toBe('noDnsAllowed');
    });

    it('does not report when some policy may allow DNS, or when the tier passes at its end', () => {
      const allowDns = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: dns
spec:
  selector: all()
  egress:
    - action: Allow
      protocol: UDP
      destination:
        ports: [53]
`;
      expect(findings(`${denyAll}---\n${allowDns}`, CODE)).toEqual([]);
      const passTier = `apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: t}
spec: {order: 10, defaultAction: Pass}
---
${denyAll.replace('spec:\n', 'spec:\n  tier: t\n')}`;
      expect(findings(passTier, CODE)).toEqual([]);
    });

    it('still reports when the only egress Allow cannot match port 53', () => {
      const https = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: https
spec:
  selector: all()
  egress:
    - action: Allow
      protocol: TCP
      destination:
        ports: [443]
`;
      expect(positions(findings(`${denyAll}---\n${https}`, CODE))).toEqual([{ severity: 'warning', line: 1, column: 1 }]);
    });
  });
});
