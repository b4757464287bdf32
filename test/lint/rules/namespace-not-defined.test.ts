import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

describe("rule 'namespace-not-defined'", () => {
  it('reports endpoints in a namespace the input does not define', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec: {nodeName: node-1, containers: [{name: app}]}
status: {podIP: 10.0.0.1}
`;
    const found = findings(text, 'namespace-not-defined');
    expect(found).toHaveLength(1);
    expect(positions(found)[0]?.severity).toBe('info');
  });

  it('is silent when the Namespace is given', () => {
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
    expect(findings(text, 'namespace-not-defined')).toEqual([]);
  });
});
