import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

describe("rule 'host-network-pod'", () => {
  it('reports a hostNetwork pod as info at the pod', () => {
    const text = `apiVersion: v1
kind: Namespace
metadata: {name: monitoring}
---
apiVersion: v1
kind: Pod
metadata: {name: node-exporter, namespace: monitoring}
spec: {nodeName: node-1, hostNetwork: true, containers: [{name: exporter}]}
status: {podIP: 192.0.2.10}
`;
    // At the hostNetwork: true value.
    expect(positions(findings(text, 'host-network-pod'))).toEqual([{ severity: 'info', line: 8, column: 39 }]);
  });
});
