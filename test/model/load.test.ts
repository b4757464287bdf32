import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diag/index.js';
import { loadResources, MAX_FILE_BYTES } from '../../src/model/load/index.js';

const encode = (text: string) => new TextEncoder().encode(text);

function load(text: string | Uint8Array, file = 'in.yaml') {
  return loadResources([{ file, bytes: typeof text === 'string' ? encode(text) : text }]);
}

function where(d: Diagnostic): string {
  return `${d.code}@${d.span?.line}:${d.span?.column}`;
}

const POLICY = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: allow-dns
spec:
  selector: all()
  egress:
    - action: Allow
      protocol: UDP
      destination:
        ports: [53]
`;

describe('decoding bytes', () => {
  it('reads UTF-8, dropping a byte order mark, with positions in the decoded text', () => {
    const result = load(new Uint8Array([0xef, 0xbb, 0xbf, ...encode(POLICY)]));
    expect(result.diagnostics).toEqual([]);
    expect(result.resources[0]?.spans['/metadata/name']).toMatchObject({ line: 4, column: 9, offset: 77 });
  });

  it.each([
    ['utf-16le', [0xff, 0xfe], (c: number) => [c & 0xff, c >> 8]],
    ['utf-16be', [0xfe, 0xff], (c: number) => [c >> 8, c & 0xff]],
  ] as const)('reads %s with a byte order mark', (_name, bom, unit) => {
    const bytes = [...bom, ...[...POLICY].flatMap((ch) => unit(ch.charCodeAt(0)))];
    const result = load(new Uint8Array(bytes));
    expect(result.diagnostics).toEqual([]);
    expect(result.resources.map((r) => r.metadata.name)).toEqual(['allow-dns']);
  });

  it('refuses a binary file (NUL byte) at 1:1', () => {
    const result = load(new Uint8Array([0x61, 0x3a, 0x00, 0x01, 0xff]));
    expect(result.resources).toEqual([]);
    expect(result.diagnostics.map(where)).toEqual(['unreadable-input@1:1']);
    expect(result.diagnostics[0]?.message).toContain('binary or non-UTF-8 file');
  });

  it('refuses invalid UTF-8 at 1:1', () => {
    const result = load(new Uint8Array([...encode('kind: '), 0xc3, 0x28]));
    expect(result.diagnostics.map(where)).toEqual(['unreadable-input@1:1']);
    expect(result.diagnostics[0]?.message).toContain('binary or non-UTF-8 file');
  });

  it('refuses a file over the size limit without reading it', () => {
    const big = new Uint8Array(MAX_FILE_BYTES + 1);
    const result = load(big);
    expect(result.diagnostics.map(where)).toEqual(['unreadable-input@1:1']);
    expect(result.diagnostics[0]?.message).toContain('larger than');
  });
});

describe('YAML syntax', () => {
  it('reports truncated YAML with its position', () => {
    const result = load('kind: [Tier\n');
    expect(result.diagnostics.map((d) => d.code)).toEqual(['yaml-syntax']);
    expect(result.diagnostics[0]?.span?.line).toBeGreaterThanOrEqual(1);
  });

  it('reports a tab in indentation at the tab', () => {
    const result = load('apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: x\n');
    expect(result.diagnostics.map(where)).toContain('yaml-syntax@4:1');
    expect(result.resources).toEqual([]);
  });

  it('reports bad indentation', () => {
    const result = load('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n labels: {}\n');
    expect(result.diagnostics.map((d) => d.code)).toEqual(['yaml-syntax']);
  });

  it('reports a duplicate key at the second key', () => {
    const result = load('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n');
    expect(result.diagnostics.map(where)).toEqual(['yaml-syntax@5:3']);
    expect(result.resources).toEqual([]);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${new Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const text = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  annotations: {}\nspec:\n  finalizers:\n    ${levels.join('\n    ')}\n`;
    const started = performance.now();
    const result = load(text);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['yaml-syntax']);
    expect(result.diagnostics[0]?.message).toContain('too many YAML aliases');
  });

  it('expands ordinary aliases and merge keys', () => {
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: p
    labels: &common
      app: web
- apiVersion: v1
  kind: Pod
  metadata:
    name: q
    labels:
      <<: *common
      tier: front
`;
    const result = load(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.resources[1]?.metadata.labels).toEqual({ tier: 'front', app: 'web' });
  });

  it('reports an alias whose anchor is in another document', () => {
    const result = load('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: &l {x: y}\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n  labels: *l\n');
    expect(result.diagnostics.map(where)).toEqual(['yaml-syntax@11:11']);
    expect(result.resources.map((r) => r.metadata.name)).toEqual(['a']);
  });

  it('skips empty documents and reports a document that is not a mapping (nor a list of them)', () => {
    const result = load(`---\n---\n# nothing\n---\n${POLICY}---\n- a\n- b\n---\n42\n`);
    expect(result.resources).toHaveLength(1);
    expect(result.diagnostics.map(where)).toEqual(['yaml-syntax@17:3', 'yaml-syntax@18:3', 'yaml-syntax@20:1']);
  });

  it("reads calicoctl's list form: a document that is a sequence of resources", () => {
    const item = POLICY.trimEnd().replace(/^/gm, '  ').replace(/^ {2}/, '- ');
    const result = load(`${item}\n${item.replace('name: allow-dns', 'name: other')}\n`);
    expect(result.diagnostics).toEqual([]);
    expect(result.resources.map((r) => [r.kind, r.metadata.name, r.span.line])).toEqual([
      ['GlobalNetworkPolicy', 'allow-dns', 1],
      ['GlobalNetworkPolicy', 'other', 12],
    ]);
  });
});

describe('kinds and documents', () => {
  it('notes (and skips) kinds that carry no policy', () => {
    const result = load('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n');
    expect(result.resources).toEqual([]);
    expect(result.diagnostics.map((d) => [d.code, d.severity, `${d.span?.line}:${d.span?.column}`])).toEqual([
      ['unknown-kind', 'info', '2:7'],
    ]);
  });

  it('suggests a kind for a typo in a Calico group', () => {
    const result = load('apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicyy\nmetadata:\n  name: x\n');
    expect(result.diagnostics[0]?.message).toContain('did you mean "GlobalNetworkPolicy"?');
  });

  it('errors on a missing apiVersion or kind', () => {
    const result = load('kind: Tier\nmetadata:\n  name: x\n---\napiVersion: v1\nmetadata:\n  name: y\n');
    expect(result.diagnostics.map(where)).toEqual(['missing-field@1:1', 'missing-field@5:1']);
  });

  it('refuses extensions/v1beta1 NetworkPolicy, which no cluster serves since Kubernetes 1.16', () => {
    const result = load(`apiVersion: extensions/v1beta1
kind: NetworkPolicy
metadata:
  name: test-network-policy
  namespace: default
spec:
  podSelector:
    matchLabels:
      run: source-ip-app
  ingress:
  - from:
  # the node network
    - ipBlock:
        cidr: 21.49.22.0/24
    - podSelector:
        matchLabels:
          run: test
          
`);
    expect(result.diagnostics.map((d) => [d.code, d.severity, `${d.span?.line}:${d.span?.column}`])).toEqual([['unknown-kind', 'error', '1:13']]);
    expect(result.resources).toEqual([]);
  });

  it('reads crd.projectcalico.org/v1 as the same Calico kinds', () => {
    const result = load(POLICY.replace('projectcalico.org/v3', 'crd.projectcalico.org/v1'));
    expect(result.diagnostics).toEqual([]);
    expect(result.resources.map((r) => r.kind)).toEqual(['GlobalNetworkPolicy']);
  });

  it('unpacks List and *List documents, each item with its own span', () => {
    const text = `apiVersion: v1
kind: List
metadata:
  resourceVersion: ""
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: prod
- apiVersion: projectcalico.org/v3
  kind: NetworkPolicyList
  items:
  - apiVersion: projectcalico.org/v3
    kind: NetworkPolicy
    metadata:
      name: np
      namespace: prod
    spec:
      selector: all()
`;
    const result = load(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.resources.map((r) => [r.kind, r.span.line, r.spans['/metadata/name']?.line])).toEqual([
      ['Namespace', 6, 9],
      ['NetworkPolicy', 13, 16],
    ]);
  });

  it('reads a List the fast reader gives up on midway exactly once', () => {
    // The anchor on the last line sends the whole file to the yaml package after the fast
    // reader has already handed over the first items.
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: a}
- apiVersion: v1
  kind: Namespace
  metadata: {name: b, labels: &l {x: y}}
`;
    const result = load(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.resources.map((r) => r.metadata.name)).toEqual(['a', 'b']);
  });

  it('does not read the items of a document that is not a List', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: a}\n';
    const result = load(text);
    expect(result.resources).toEqual([]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['unknown-kind']);
  });

  it('requires List items to say their own apiVersion and kind', () => {
    const result = load('apiVersion: v1\nkind: PodList\nitems:\n- metadata:\n    name: p\n');
    expect(result.diagnostics.map(where)).toEqual(['missing-field@4:3', 'missing-field@4:3']);
  });

  it('reads JSON (kubectl -o json), with positions', () => {
    const json = JSON.stringify(
      { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd' }, spec: { nodeName: 'n' } }] },
      null,
      2,
    );
    const result = load(json, 'pods.json');
    expect(result.diagnostics).toEqual([]);
    expect(result.resources[0]?.spans['/metadata/name']).toMatchObject({ file: 'pods.json', line: 9, column: 17 });
  });

  it('reports JSON syntax errors through the YAML parser', () => {
    const result = load('{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}', 'x.json');
    expect(result.diagnostics.map((d) => d.code)).toContain('yaml-syntax');
  });
});

describe('positions', () => {
  it('keeps value and key spans by JSON pointer', () => {
    const resource = load(POLICY).resources[0];
    expect(resource?.spans['/spec/egress/0/destination/ports/0']).toMatchObject({ line: 11, column: 17, endColumn: 19 });
    expect(resource?.spans['/spec/selector#key']).toMatchObject({ line: 6, column: 3, endColumn: 11 });
    expect(resource?.span).toMatchObject({ line: 1, column: 1, endLine: 11 });
    expect(Object.keys(resource?.spans ?? {})).toContain('/spec/egress/0/action');
  });

  it('escapes "/" in label keys as ~1', () => {
    const resource = load('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels:\n    app.kubernetes.io/name: web\n').resources[0];
    expect(resource?.spans['/metadata/labels/app.kubernetes.io~1name']).toMatchObject({ line: 6, column: 29 });
    expect(resource?.spans['/metadata/labels/app.kubernetes.io~1name#key']).toMatchObject({ line: 6, column: 5 });
  });
});

describe('scale', () => {
  it('reads a 100k-line file quickly', () => {
    const pods: string[] = ['apiVersion: v1', 'kind: List', 'items:'];
    for (let i = 0; pods.length < 100_000; i++) {
      pods.push(
        '- apiVersion: v1',
        '  kind: Pod',
        '  metadata:',
        `    name: pod-${i}`,
        `    namespace: ns-${i % 7}`,
        '    labels:',
        `      app: app-${i % 13}`,
        '  spec:',
        `    nodeName: node-${i % 5}`,
        '  status:',
        `    podIP: 10.0.${(i >> 8) & 255}.${i & 255}`,
      );
    }
    const started = performance.now();
    const result = load(`${pods.join('\n')}\n`);
    const elapsed = performance.now() - started;
    expect(result.diagnostics).toEqual([]);
    expect(result.resources.length).toBeGreaterThan(9000);
    expect(elapsed).toBeLessThan(3000);
  });
});
