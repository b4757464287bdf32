import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

describe("rule 'inventory-incomplete'", () => {
  it('reports a pod with no IP and a profile nobody defines', () => {
    const text = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: pending, namespace: shop}
spec: {nodeName: node-1, containers: [{name: app}]}
---
apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata: {name: node1}
spec: {node: node-1, interfaceName: eth0, expectedIPs: [192.0.2.1], profiles: [ghost]}
`;
    const found = findings(text, 'inventory-incomplete');
    expect(found.map((d) => d.data?.messageId).sort()).toEqual(['endpointWithoutAddress', 'undefinedProfile']);
    expect(positions(found).every((p) => p.severity === 'warning' && p.line > 0)).toBe(true);
    const pending = found.find((d) => d.data?.messageId === 'endpointWithoutAddress');
    // At the pod's name.
    expect(pending?.span?.line).toBe(7);
  });

  it('is silent for a running pod with an address', () => {
    const text = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec: {nodeName: node-1, containers: [{name: app}]}
status: {podIP: 10.0.0.1}
`;
    expect(findings(text, 'inventory-incomplete')).toEqual([]);
  });
});
