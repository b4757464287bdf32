import { describe, expect, it } from 'vitest';
import { generateCluster, SIZES } from '../../bench/generate.js';
import type { Resource } from '../../src/model/index.js';
import { loadModel, loadModelInParallel } from '../../src/model/index.js';
import { loadResources, loadResourcesInParallel, splitFiles, type LoadResult, type LoadSource } from '../../src/model/load/index.js';

/**
 * Loading on loader threads must give what loading here gives: the same resources in the
 * same order, the same diagnostics, and the same positions — recorded ones (policies, with
 * their selectors' text maps) and those recorded on demand (pods), which the receiving
 * thread rebuilds over its own copy of the text.
 */

const encoder = new TextEncoder();
const source = (file: string, text: string): LoadSource => ({ file, bytes: encoder.encode(text) });

const POD_LIST = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: web-1, namespace: shop, labels: {app: web}}
  spec:
    nodeName: node-1
    containers:
    - name: web
      ports:
      - {containerPort: 8080, name: http}
  status: {podIP: 10.0.0.1}
- apiVersion: v1
  kind: Pod
  metadata:
    name: bad
    namespace: shop
  spec:
    containers:
    - name: x
      ports:
      - name: no-port
`;

const POLICY = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: allow, namespace: shop}
spec:
  selector: app == 'web' && role in {"a", "b"}
  ingress:
  - action: Allow
    source: {selector: "app == 'client'"}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: typo, namespace: shop}
spec:
  selector: app === 'web'
  unknownField: 1
`;

// Anchors are outside the fast reader's subset: the `yaml` package reads this one.
const ANCHORS = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata:
  name: nets
  labels: &labels {role: db}
spec:
  nets: [10.1.0.0/16]
`;

const JSON_POD = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j","namespace":"shop"},"status":{"podIP":"10.0.0.9"}}';

function mixedSources(): LoadSource[] {
  const cluster = generateCluster(SIZES.S, 3);
  return [
    ...cluster.files.map((file) => source(`cluster/${file.name}`, file.text)),
    source('pods.yaml', POD_LIST),
    source('policy.yaml', POLICY),
    source('anchors.yaml', ANCHORS),
    source('pod.json', JSON_POD),
    source('syntax.yaml', 'kind: [unclosed\n'),
    { file: 'binary.yaml', bytes: new Uint8Array([0x61, 0, 0x62]) },
  ];
}

/** A resource with its span record listed out (a proxy compares as nothing). */
function plain(resource: Resource) {
  const spans = Object.fromEntries(Object.keys(resource.spans).map((pointer) => [pointer, resource.spans[pointer]]));
  return { ...resource, spans };
}

function expectSameLoad(actual: LoadResult, expected: LoadResult): void {
  expect(actual.diagnostics).toEqual(expected.diagnostics);
  expect(actual.resources.length).toBe(expected.resources.length);
  actual.resources.forEach((resource, index) => expect(plain(resource)).toEqual(plain(expected.resources[index] as Resource)));
}

describe('loading on loader threads', () => {
  const sources = mixedSources();
  const expected = loadResources(sources);

  it('covers what it claims: pods, policies with text maps, diagnostics, several files', () => {
    expect(expected.resources.some((r) => r.kind === 'Pod')).toBe(true);
    expect(expected.resources.some((r) => r.textMaps !== undefined)).toBe(true);
    expect(expected.diagnostics.map((d) => d.span?.file)).toEqual(expect.arrayContaining(['pods.yaml', 'policy.yaml', 'syntax.yaml', 'binary.yaml']));
  });

  for (const threads of [1, 2]) {
    it(`gives what loading here gives (${threads} loader thread${threads > 1 ? 's' : ''})`, async () => {
      const shares = splitFiles(sources, threads, 0);
      expect(shares.slice(1).every((share) => share.length > 0)).toBe(true);
      expectSameLoad(await loadResourcesInParallel(sources, { threads, threadStartBytes: 0 }), expected);
    });
  }

  it('gives the same model, whatever the order of the work', async () => {
    const model = await loadModelInParallel(sources, { threads: 2, threadStartBytes: 0 });
    const here = loadModel(sources);
    expect(model.diagnostics).toEqual(here.diagnostics);
    expect(model.inventory.endpoints.map((e) => e.key)).toEqual(here.inventory.endpoints.map((e) => e.key));
    expect(model.policySet.policies.map((p) => p.key)).toEqual(here.policySet.policies.map((p) => p.key));
  });

  it('splits files largest first to the thread with the least work, by size only', () => {
    const sized = [5, 1, 40, 30, 2].map((mb, i) => ({ file: `f${i}`, bytes: new Uint8Array(mb << 20) }));
    const shares = splitFiles(sized, 1);
    expect(shares.flat().sort()).toEqual([0, 1, 2, 3, 4]);
    // 40 here; 30 to the loader (charged its start); 5 and 2 to the loader... whichever has less.
    const bytes = shares.map((share) => share.reduce((sum, i) => sum + (sized[i] as LoadSource).bytes.length, 0));
    expect(Math.abs((bytes[0] as number) - (bytes[1] as number))).toBeLessThanOrEqual(6 << 20);
    expect(splitFiles([...sized].reverse(), 1).map((share) => share.map((i) => 4 - i).sort())).toEqual(shares.map((share) => [...share].sort()));
  });
});
