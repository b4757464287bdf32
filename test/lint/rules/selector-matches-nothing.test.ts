import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'selector-matches-nothing';

const PODS = `apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: Namespace, metadata: {name: shop, labels: {team: shop}}}
  - apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: shop, labels: {app: web}}
    spec: {nodeName: node-1, containers: [{name: web}]}
    status: {podIP: 10.65.0.10}
  - apiVersion: projectcalico.org/v3
    kind: GlobalNetworkSet
    metadata: {name: partners, labels: {role: partner}}
    spec: {nets: [198.51.100.0/24]}
---
`;

describe("rule 'selector-matches-nothing'", () => {
  it('reports a policy selector that selects no endpoint, at the selector value', () => {
    const text = `${PODS}apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: typo
spec:
  selector: app == 'wbe'
  ingress:
    - action: Allow
`;
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'warning', line: 20, column: 13 }]);
    expect(findings(text, CODE)[0]?.data?.messageId).toBe('policySelectsNothing');
  });

  it('reports a rule selector that selects no endpoint and no network set, at that selector', () => {
    const text = `${PODS}apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  selector: app == 'web'
  ingress:
    - action: Allow
      source:
        selector: app == 'frontend'
    - action: Allow
      source:
        namespaceSelector: team == 'payments'
    - action: Allow
      source:
        selector: app == 'web'
`;
    expect(positions(findings(text, CODE))).toEqual([
      { severity: 'warning', line: 25, column: 19 },
      { severity: 'warning', line: 28, column: 28 },
    ]);
    expect(findings(text, CODE).map((d) => d.data?.messageId)).toEqual(['ruleSelectsNothing', 'ruleSelectsNothing']);
  });

  it('counts network sets for rule selectors and the namespace rewrite for namespaced policies', () => {
    const text = `${PODS}apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: partners
spec:
  selector: app == 'web'
  egress:
    - action: Allow
      destination:
        selector: role == 'partner'
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: elsewhere
  namespace: other
spec:
  selector: app == 'web'
`;
    // The NetworkPolicy in namespace "other" selects nothing: web lives in shop.
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'warning', line: 32, column: 13 }]);
  });

  it('says nothing when the input has no endpoints', () => {
    const text = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: typo
spec:
  selector: app == 'wbe'
  ingress:
    - action: Allow
      source:
        selector: app == 'nothing'
`;
    expect(findings(text, CODE)).toEqual([]);
  });

  it('points at the podSelector of a Kubernetes NetworkPolicy', () => {
    const text = `${PODS}apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: k8s
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: api}
`;
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'warning', line: 22, column: 5 }]);
  });
});
