import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diag/index.js';
import { loadResources } from '../../src/model/load/index.js';
import type { CalicoPolicyResource, PodResource } from '../../src/model/resources.js';

function load(text: string) {
  return loadResources([{ file: 'in.yaml', bytes: new TextEncoder().encode(text) }]);
}

function found(diagnostics: readonly Diagnostic[]) {
  return diagnostics.map((d) => ({ code: d.code, message: d.message, line: d.span?.line, column: d.span?.column }));
}

const HEADER = 'apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: default\nspec:\n';

describe('strict decoding', () => {
  it("reports the seeds' selctor typo at the key, with a suggestion", () => {
    const result = load(`apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: test-network-policy
  namespace: default
spec:
  selctor:   run == 'source-ip-app'
`);
    expect(found(result.diagnostics)).toEqual([
      { code: 'unknown-field', message: 'unknown field "selctor" (did you mean "selector"?)', line: 7, column: 3 },
    ]);
    expect(result.diagnostics[0]?.span).toMatchObject({ endLine: 7, endColumn: 10 });
  });

  it('reports an unknown field without a close match plainly', () => {
    const result = load(`${HEADER}  colour: blue\n`);
    expect(found(result.diagnostics)).toEqual([{ code: 'unknown-field', message: 'unknown field "colour"', line: 7, column: 3 }]);
  });

  it('checks unknown fields at every level (top, metadata, rules, entity rules)', () => {
    const result = load(`apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metdata:
  name: x
spec:
  ingress:
    - action: Allow
      protocl: TCP
      source:
        selecter: a == 'b'
`);
    expect(found(result.diagnostics).map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`)).toEqual([
      'unknown-field 3:1 unknown field "metdata" (did you mean "metadata"?)',
      'unknown-field 8:7 unknown field "protocl" (did you mean "protocol"?)',
      'unknown-field 10:9 unknown field "selecter" (did you mean "selector"?)',
      'missing-field 1:1 missing required field "metadata"',
    ]);
  });

  it('reports a value of the wrong type at the value', () => {
    const result = load(`${HEADER}  ingress: allow everything\n  order: "10"\n  types: Ingress\n`);
    expect(found(result.diagnostics)).toEqual([
      { code: 'invalid-type', message: 'expected a list, got a string', line: 7, column: 12 },
      { code: 'invalid-type', message: 'expected a number, got a string', line: 8, column: 10 },
      { code: 'invalid-type', message: 'expected a list, got a string', line: 9, column: 10 },
    ]);
  });

  it('reports a missing required field at the mapping that should hold it', () => {
    const result = load(`${HEADER}  ingress:\n    - protocol: TCP\n      source: {}\n`);
    expect(found(result.diagnostics)).toEqual([{ code: 'missing-field', message: 'missing required field "action"', line: 8, column: 7 }]);
  });

  it('treats null as absent, as Go does', () => {
    const result = load(`${HEADER}  selector:\n  ingress: ~\n`);
    expect(result.diagnostics).toEqual([]);
    expect(result.resources[0]?.spec).toEqual({});
  });

  it('reports a null list item', () => {
    const result = load(`${HEADER}  ingress:\n    -\n`);
    expect(found(result.diagnostics).map((d) => d.code)).toEqual(['invalid-type']);
  });

  it('decodes protocols like Uint8OrString and keeps ports as written', () => {
    const result = load(`${HEADER}  ingress:
    - action: Allow
      protocol: "6"
      notProtocol: UDPLite
      destination:
        ports: [80, "443", "8000:8080", http]
`);
    expect(result.diagnostics).toEqual([]);
    const rule = (result.resources[0] as CalicoPolicyResource).spec.ingress?.[0];
    expect(rule).toEqual({ action: 'Allow', protocol: 6, notProtocol: 'UDPLite', destination: { ports: [80, '443', '8000:8080', 'http'] } });
  });

  it('requires label values to be strings (as kubectl does), and reads an empty one as ""', () => {
    const result = load('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels:\n    version: 1\n');
    expect(found(result.diagnostics)).toEqual([{ code: 'invalid-type', message: 'expected a string, got a number', line: 6, column: 14 }]);
    expect(load('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels:\n    empty:\n').resources[0]?.metadata.labels).toEqual({ empty: '' });
  });

  it('returns no resource whose shape is broken (missing or mistyped fields), but keeps one with unknown fields', () => {
    const mistyped = load(`${HEADER}  order: high\n`);
    expect(mistyped.resources).toEqual([]);
    const missing = load(`${HEADER}  ingress:\n    - protocol: TCP\n`);
    expect(missing.resources).toEqual([]);
    const unknown = load(`${HEADER}  selctor: all()\n  order: 1\n`);
    expect(unknown.resources.map((r) => r.spec)).toEqual([{ order: 1 }]);
  });

  it('accepts server-set metadata and status, and the fields of Pods it does not model', () => {
    const result = load(`apiVersion: v1
kind: Pod
metadata:
  name: web-0
  namespace: default
  uid: "1234"
  resourceVersion: "99"
  generation: 3
  managedFields: [{manager: kubectl}]
  ownerReferences: [{kind: StatefulSet, name: web}]
  finalizers: [x]
spec:
  nodeName: node-1
  restartPolicy: Always
  containers:
    - name: web
      image: nginx
      ports:
        - {name: http, containerPort: 80, protocol: TCP}
status:
  phase: Running
  podIP: 10.0.0.5
  conditions: [{type: Ready}]
`);
    expect(result.diagnostics).toEqual([]);
    const pod = result.resources[0] as PodResource;
    expect(pod.spec.containers?.[0]?.ports).toEqual([{ name: 'http', containerPort: 80, protocol: 'TCP' }]);
    expect(pod.status).toEqual({ phase: 'Running', podIP: '10.0.0.5' });
  });

  it('reports a key that is not a scalar', () => {
    const result = load('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels:\n    ? [a, b]\n    : c\n');
    expect(found(result.diagnostics).map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(['invalid-type 6:7']);
  });

  it('accepts the keys of JSON, YAML 1.2 numbers and booleans as strings in maps', () => {
    const result = load('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels:\n    80: http\n    true: "yes"\n');
    expect(result.diagnostics).toEqual([]);
    expect(result.resources[0]?.metadata.labels).toEqual({ '80': 'http', true: 'yes' });
  });
});

describe('text maps (where a selector\'s characters are)', () => {
  const cases: [string, string, number][] = [
    ['plain', "selector: a == 'b'", 13],
    ['single-quoted', "selector: 'it''s == \"x\"'", 14],
    ['double-quoted', 'selector: "a == \\"b\\""', 14],
  ];
  it.each(cases)('%s scalar', (_style, line, column) => {
    const resource = load(`${HEADER}  ${line}\n`).resources[0];
    const segments = resource?.textMaps?.['/spec/selector'];
    expect(segments?.[0]).toMatchObject({ index: 0, line: 7, column });
  });

  it('block scalar: one run per line', () => {
    const resource = load(`${HEADER}  selector: >-\n    a == 'b' &&\n    c == 'd'\n`).resources[0];
    expect(resource?.textMaps?.['/spec/selector']).toMatchObject([
      { index: 0, line: 8, column: 5, length: 11 },
      { index: 12, line: 9, column: 5, length: 8 },
    ]);
  });
});
