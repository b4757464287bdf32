import { describe, expect, it } from 'vitest';
import { loadResources, parseYamlFile } from '../../src/model/load/index.js';
import type { Resource } from '../../src/model/index.js';

/**
 * Pods, Namespaces and ServiceAccounts read by the fast YAML reader record no positions
 * while decoding; their spans are recorded on first use by reading the resource again.
 * They must be exactly the spans recorded while decoding (the `yaml` package path).
 */

const TEXT = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    labels:
      app: web
      example.com/role: 'v'
    name: web-1
    namespace: shop
    ownerReferences:
    - kind: ReplicaSet
      name: web
  spec:
    containers:
    - name: web
      ports:
      - containerPort: 8080
        name: http
    hostNetwork: true
    nodeName: node-1
  status:
    podIP: 10.0.0.1
    podIPs:
    - ip: 10.0.0.1
- apiVersion: v1
  kind: Namespace
  metadata:
    name: shop
    labels: {team: a, tier: "1"}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
  namespace: shop
---
kind: Pod
apiVersion: v1
metadata: {name: solo, namespace: shop}
spec:
  nodeName: node-2
`;

function spansOf(resource: Resource): Record<string, unknown> {
  const spans: Record<string, unknown> = {};
  for (const key of Object.keys(resource.spans).sort()) spans[key] = resource.spans[key];
  return spans;
}

describe('positions on demand', () => {
  it('the fast reader read the text (so positions are recorded on demand)', () => {
    expect(parseYamlFile('pods.yaml', TEXT, []).reread).toBeDefined();
  });

  it('are the positions recorded while decoding, for every resource and pointer', () => {
    const onDemand = loadResources([{ file: 'pods.yaml', bytes: Buffer.from(TEXT) }]);
    // An anchor makes the fast reader give up, so the yaml package reads the file and every
    // position is recorded while decoding; the document with it is empty and adds nothing.
    const recorded = loadResources([{ file: 'pods.yaml', bytes: Buffer.from(`${TEXT}---\n&unused null\n`) }]);
    expect(parseYamlFile('pods.yaml', `${TEXT}---\n&unused null\n`, []).reread).toBeUndefined();
    expect(onDemand.diagnostics).toEqual(recorded.diagnostics);
    expect(onDemand.resources.map((r) => r.kind)).toEqual(['Pod', 'Namespace', 'ServiceAccount', 'Pod']);
    expect(onDemand.resources.length).toBe(recorded.resources.length);
    onDemand.resources.forEach((resource, i) => {
      const eager = spansOf(recorded.resources[i] as Resource);
      expect(Object.keys(eager).length).toBeGreaterThan(3);
      expect(spansOf(resource)).toEqual(eager);
    });
  });

  it('points a single lookup at the value (first access, no enumeration before it)', () => {
    const loaded = loadResources([{ file: 'pods.yaml', bytes: Buffer.from(TEXT) }]);
    const pod = loaded.resources[0] as Resource;
    expect(pod.spans['/spec/hostNetwork']).toMatchObject({ file: 'pods.yaml', line: 21, column: 18 });
    expect(pod.spans['/metadata/labels/example.com~1role#key']).toMatchObject({ line: 9, column: 7 });
    const solo = loaded.resources[3] as Resource;
    expect(solo.spans['/metadata/name']).toMatchObject({ line: 41, column: 18 });
    expect('/spec/nodeName' in solo.spans).toBe(true);
    expect('/spec/nope' in solo.spans).toBe(false);
  });
});
