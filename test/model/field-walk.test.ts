import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { allRules } from '../../src/lint/index.js';
import { KIND_SCHEMAS, type FieldType, type ObjectSchema } from '../../src/model/schema/index.js';
import type { ResourceKind } from '../../src/model/resources.js';
import { runCli } from '../helpers/cli.js';

/**
 * Every field of every kind calpol reads, given values of the wrong type, out of range,
 * unparsable or hostile: each input is refused with errors that point into the file (a
 * line and column inside it), or accepted and compiled; nothing reaches a later stage
 * unvalidated (no exit 70, no "passed validation"). Together with the inputs below for
 * the findings no field value makes, every diagnostic code calpol has is produced at a
 * position.
 */

const scratch = mkdtempSync(join(tmpdir(), 'calpol-walk-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Endpoints and a namespace, so the policies below select something and compile to rules. */
const CLUSTER: Json[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'shop', labels: { role: 'ci' } } },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
    spec: { nodeName: 'node-1', serviceAccountName: 'robot', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 80 }] }] },
    status: { podIP: '10.65.0.10' },
  },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db', namespace: 'shop', labels: { app: 'db' } }, spec: { nodeName: 'node-1' }, status: { podIPs: [{ ip: '10.65.0.20' }, { ip: 'fd00::20' }] } },
  {
    apiVersion: 'projectcalico.org/v3',
    kind: 'HostEndpoint',
    metadata: { name: 'node-1-eth0', labels: { role: 'node' } },
    spec: { node: 'node-1', interfaceName: 'eth0', expectedIPs: ['192.168.0.1'] },
  },
];

const RULE: Json = {
  action: 'Allow',
  protocol: 'TCP',
  ipVersion: 4,
  metadata: { annotations: { note: 'x' } },
  source: { selector: "app == 'web'", notSelector: "app == 'x'", namespaceSelector: "team == 'a'", nets: ['10.0.0.0/8'], notNets: ['10.1.0.0/16'], ports: [80, 'http', '1000:2000'], serviceAccounts: { names: ['robot'], selector: "role == 'ci'" } },
  destination: { selector: 'all()', nets: ['10.65.0.0/16'], notNets: ['10.66.0.0/16'], ports: [443], notPorts: [22] },
};
const ICMP_RULE: Json = { action: 'Deny', protocol: 'ICMP', icmp: { type: 8, code: 0 }, notICMP: { type: 3 } };
const CALICO_SPEC: Json = { order: 10, selector: "app == 'db'", types: ['Ingress', 'Egress'], ingress: [RULE, ICMP_RULE], egress: [RULE] };
const K8S_SPEC: Json = {
  podSelector: { matchLabels: { app: 'db' }, matchExpressions: [{ key: 'app', operator: 'In', values: ['db'] }] },
  policyTypes: ['Ingress', 'Egress'],
  ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } }, namespaceSelector: { matchLabels: { team: 'a' } } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 80, endPort: 90 }] }],
  egress: [{ to: [{ podSelector: {} }], ports: [{ port: 'http' }] }],
};
const calico = (kind: string, metadata: Json, spec: Json): Json => ({ apiVersion: 'projectcalico.org/v3', kind, metadata, spec });

/** One document of each kind with most of its fields set. */
const TEMPLATES: Record<ResourceKind, Json> = {
  GlobalNetworkPolicy: calico('GlobalNetworkPolicy', { name: 'g', labels: { a: 'b' }, annotations: { n: 'x' } }, { ...(CALICO_SPEC as object), namespaceSelector: "team == 'a'", serviceAccountSelector: "role == 'ci'", applyOnForward: true, doNotTrack: false, preDNAT: false, performanceHints: ['AssumeNeededOnEveryNode'] }),
  NetworkPolicy: calico('NetworkPolicy', { name: 'n', namespace: 'shop' }, { ...(CALICO_SPEC as object), serviceAccountSelector: "role == 'ci'" }),
  StagedGlobalNetworkPolicy: calico('StagedGlobalNetworkPolicy', { name: 'sg' }, { ...(CALICO_SPEC as object), stagedAction: 'Set' }),
  StagedNetworkPolicy: calico('StagedNetworkPolicy', { name: 'sn', namespace: 'shop' }, { ...(CALICO_SPEC as object), stagedAction: 'Set' }),
  StagedKubernetesNetworkPolicy: calico('StagedKubernetesNetworkPolicy', { name: 'sk', namespace: 'shop' }, { ...(K8S_SPEC as object), stagedAction: 'Set' }),
  KubernetesNetworkPolicy: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'k', namespace: 'shop' }, spec: K8S_SPEC },
  Tier: calico('Tier', { name: 'security' }, { order: 100, defaultAction: 'Deny' }),
  Profile: calico('Profile', { name: 'edge' }, { labelsToApply: { zone: 'dmz' }, ingress: [RULE], egress: [ICMP_RULE] }),
  HostEndpoint: calico('HostEndpoint', { name: 'h', labels: { role: 'gw' } }, { node: 'node-1', interfaceName: 'eth1', expectedIPs: ['192.168.1.1'], profiles: ['edge'], ports: [{ name: 'ssh', port: 22, protocol: 'TCP' }] }),
  WorkloadEndpoint: calico('WorkloadEndpoint', { name: 'node--1-k8s-vm-eth0', namespace: 'shop', labels: { app: 'vm' } }, {
    orchestrator: 'k8s', node: 'node-1', pod: 'vm', endpoint: 'eth0', containerID: 'abc', interfaceName: 'cali0123456789a', mac: 'ee:ee:ee:ee:ee:ee',
    ipNetworks: ['10.65.0.30/32'], ipNATs: [{ internalIP: '10.65.0.30', externalIP: '172.16.0.30' }], ipv4Gateway: '10.65.0.1', profiles: ['edge'],
    ports: [{ name: 'http', port: 80, protocol: 'TCP', hostPort: 8080, hostIP: '192.168.0.1' }], serviceAccountName: 'robot', allowSpoofedSourcePrefixes: ['10.70.0.0/16'],
  }),
  GlobalNetworkSet: calico('GlobalNetworkSet', { name: 'world', labels: { scope: 'ext' } }, { nets: ['0.0.0.0/0', '::/0'] }),
  NetworkSet: calico('NetworkSet', { name: 'partners', namespace: 'shop', labels: { scope: 'partner' } }, { nets: ['203.0.113.0/24'] }),
  IPPool: calico('IPPool', { name: 'pool' }, { cidr: '10.65.0.0/16', blockSize: 26, ipipMode: 'Always', vxlanMode: 'Never', natOutgoing: true, disabled: false, nodeSelector: 'all()', allowedUses: ['Workload', 'Tunnel'] }),
  Pod: { ...(CLUSTER[2] as object), metadata: { name: 'api', namespace: 'shop', labels: { app: 'api' }, annotations: { 'cni.projectcalico.org/podIPs': '10.65.0.40/32' } }, status: { podIP: '10.65.0.40', phase: 'Running' } },
  Namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lab', labels: { team: 'b' } } },
  ServiceAccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'shop', labels: { role: 'build' } } },
};

const HOSTILE = ['x"; drop -A FORWARD -j ACCEPT #', 'a'.repeat(300), '\t'];
const BAD_VALUES: Record<FieldType['type'], Json[]> = {
  string: ['', '1.2.3', '10.0.0.0/33', { a: 1 }, ...HOSTILE],
  selector: ["a == '", 'a', "global() && a == 'b'", [1], ...HOSTILE],
  intOrString: [-1, 65536, 'x:y', '0:0', { a: 1 }, ...HOSTILE],
  protocol: [-1, 256, 'tcp', 'ICMPv7', { a: 1 }, ...HOSTILE],
  integer: [-1, 0, 65536, 1.5, 2 ** 53, 'x', [1]],
  number: [-1, 1e300, 'x', [1]],
  boolean: ['yes', 1, { a: 1 }],
  stringMap: [{ 'bad key!': 'v' }, { k: 'bad value!' }, { k: { a: 1 } }, 'x'],
  list: ['x', { a: 1 }, [null]],
  object: ['x', [1]],
  any: [],
  ignored: [],
};

/** Every field path of a schema (list items as item 0), with its type. */
function fieldPaths(schema: ObjectSchema, prefix: string[] = [], depth = 0): [string[], FieldType][] {
  const paths: [string[], FieldType][] = [];
  const visit = (type: FieldType, path: string[], level: number) => {
    if (type.type === 'any' || type.type === 'ignored') return;
    paths.push([path, type]);
    if (level > 10) return;
    if (type.type === 'object') paths.push(...fieldPaths(type.schema, path, level + 1));
    if (type.type === 'list') visit(type.items, [...path, '0'], level + 1);
  };
  for (const [key, type] of Object.entries(schema.fields)) visit(type, [...prefix, key], depth);
  return paths;
}

function withValue(document: Json, path: string[], value: Json): Json {
  const copy = structuredClone(document) as { [key: string]: Json };
  let at: { [key: string]: Json } | Json[] = copy;
  path.forEach((key, i) => {
    const container = at as { [key: string]: Json };
    if (i === path.length - 1) {
      container[key] = value;
      return;
    }
    const next = container[key];
    if (next === undefined || next === null || typeof next !== 'object') container[key] = path[i + 1] === '0' ? [] : {};
    at = container[key] as { [key: string]: Json };
  });
  return copy;
}

interface Finding {
  code: string;
  severity: string;
  line?: number;
  column?: number;
  file?: string;
}

let runs = 0;
const counts = { refused: 0, compiled: 0 };
/** Lints the documents (and compiles them when lint finds no error); true when they compiled. */
async function check(documents: Json[], label: string, seen: Set<string>): Promise<boolean> {
  const path = join(scratch, `input-${runs++}.yaml`);
  const text = documents.map((document) => stringify(document)).join('---\n');
  writeFileSync(path, text);
  const lines = text.split('\n').length;
  const lint = await runCli(['lint', path, '--format', 'json']);
  expect([0, 1], `${label}: ${lint.stderr}`).toContain(lint.code);
  const findings = (JSON.parse(lint.stdout) as { diagnostics: Finding[] }).diagnostics;
  for (const finding of findings) {
    seen.add(finding.code);
    if (finding.severity !== 'error') continue;
    expect(finding.file, `${label}: ${finding.code}`).toBe(path);
    expect(finding.line, `${label}: ${finding.code}`).toBeGreaterThanOrEqual(1);
    expect(finding.line, `${label}: ${finding.code}`).toBeLessThanOrEqual(lines);
    expect(finding.column, `${label}: ${finding.code}`).toBeGreaterThanOrEqual(1);
  }
  if (findings.some((finding) => finding.severity === 'error')) {
    counts.refused++;
    return false;
  }
  for (const target of ['nft', 'iptables']) {
    const compile = await runCli(['compile', path, '--target', target, '-o', join(scratch, `out-${runs}-${target}`)]);
    // Valid input calpol cannot compile for a node (a host endpoint known only by its
    // addresses) is refused too, at a position.
    expect([0, 2], `${label} compile ${target}: ${compile.stderr}`).toContain(compile.code);
    if (compile.code === 2) {
      expect(compile.stderr, label).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error `, 'm'));
      counts.refused++;
      return false;
    }
  }
  counts.compiled++;
  return true;
}

const observed = new Set<string>();

describe('every field of every kind', () => {
  for (const kind of Object.keys(KIND_SCHEMAS) as ResourceKind[]) {
    it(`${kind}: bad values are refused at their position or compiled, never a crash`, async () => {
      const template = TEMPLATES[kind];
      // The template itself is valid and compiles, so a value that passes validation goes on to the emitters.
      expect(await check([...CLUSTER, template], `${kind} template`, observed)).toBe(true);
      for (const [path, type] of fieldPaths(KIND_SCHEMAS[kind].document)) {
        if (path[0] === 'apiVersion' || path[0] === 'kind') continue;
        for (const value of BAD_VALUES[type.type]) {
          await check([...CLUSTER, withValue(template, path, value)], `${kind} /${path.join('/')} = ${JSON.stringify(value).slice(0, 40)}`, observed);
        }
      }
    }, 300_000);
  }
});

/** Findings no single field value makes: whole documents, bytes, and the model's own checks. */
const WHOLE_INPUTS: [string, string][] = [
  ['yaml-syntax', 'a: [\n'],
  ['unreadable-input', '\u0000\u0001\u0002binary'],
  ['unknown-kind', 'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicyy\nmetadata: {name: x}\n'],
  ['unknown-field', 'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: t}\nspec: {order: 1, colour: red}\n'],
  ['missing-field', 'apiVersion: projectcalico.org/v3\nkind: Tier\nspec: {order: 1}\n'],
  ['duplicate-resource', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n'],
  ['missing-tier', 'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: x}\nspec: {tier: ghost, selector: all()}\n'],
];

describe('every diagnostic code', () => {
  it('the field walk and the whole-document inputs produce every input finding at a position; lint rules have their own positioned tests', async () => {
    for (const [code, text] of WHOLE_INPUTS) {
      const path = join(scratch, `${code}.yaml`);
      writeFileSync(path, text);
      const lint = await runCli(['lint', path, '--format', 'json']);
      const findings = (JSON.parse(lint.stdout) as { diagnostics: Finding[] }).diagnostics;
      const finding = findings.find((f) => f.code === code);
      expect(finding, `${code}: ${lint.stdout}`).toBeDefined();
      expect(finding?.line, code).toBeGreaterThanOrEqual(1);
      observed.add(code);
    }
    // The semantic lint rules judge whole clusters, not values: each has
    // test/lint/rules/<id>.test.ts checking its position (test/lint/meta.test.ts keeps that true).
    const inputCodes = ['yaml-syntax', 'unreadable-input', 'unknown-kind', 'unknown-field', 'missing-field', 'invalid-type', 'invalid-value', 'invalid-selector', 'unsupported-field', 'duplicate-resource', 'missing-tier'];
    for (const code of inputCodes) expect(allRules().map((rule) => rule.id)).toContain(code);
    expect([...observed].filter((code) => inputCodes.includes(code)).sort()).toEqual([...inputCodes].sort());
    console.log(`field walk: ${runs} inputs, ${counts.refused} refused with positioned errors, ${counts.compiled} compiled for nft and iptables`);
  });
});
