import { it } from 'vitest';
import { matrixVerdicts, parseProbes, defaultProbes } from '../../src/matrix/index.js';
import { normalize, type Resource } from '../../src/model/index.js';
import { buildTierPlan } from '../../src/tiers/index.js';
let off = 0;
const r = (apiVersion: string, kind: string, metadata: object, spec: object, extra: object = {}) => ({ apiVersion, kind, metadata, spec, span: { file: 'b', line: ++off, column: 1, endLine: off, endColumn: 1, offset: off, length: 1 }, spans: {}, ...extra }) as unknown as Resource;
function cluster(pods: number, policies: number): Resource[] {
  const out: Resource[] = [];
  for (let n = 0; n < 10; n++) out.push(r('v1', 'Namespace', { name: `ns${n}`, labels: { team: `t${n % 3}` } }, {}));
  for (let i = 0; i < pods; i++) out.push(r('v1', 'Pod', { name: `p${i}`, namespace: `ns${i % 10}`, labels: { app: `app${i % 20}`, tier: ['web', 'db', 'cache'][i % 3] } }, { nodeName: `node${i % 5}`, containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] }, { status: { podIP: `10.${(i >> 8) & 255}.${i & 255}.1` } }));
  for (let k = 0; k < policies; k++) {
    out.push(r('networking.k8s.io/v1', 'KubernetesNetworkPolicy', { name: `np${k}`, namespace: `ns${k % 10}` }, { podSelector: { matchLabels: { app: `app${k % 20}` } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: `app${(k + 1) % 20}` } } }, { namespaceSelector: { matchLabels: { team: 't1' } } }], ports: [{ port: 80 + (k % 8) }, { port: 'http' }] }] }));
  }
  out.push(r('projectcalico.org/v3', 'GlobalNetworkPolicy', { name: 'guard' }, { order: 10, selector: "tier == 'db'", ingress: [{ action: 'Deny', protocol: 'TCP', source: { selector: "tier == 'web'" }, destination: { ports: [22] } }, { action: 'Pass' }], egress: [{ action: 'Allow' }] }));
  return out;
}
it('bench', () => {
  for (const [pods, pols] of [[100, 50], [300, 150], [500, 300]] as const) {
    const n = normalize(cluster(pods, pols));
    const plan = buildTierPlan(n.policySet, n.inventory);
    const probes = defaultProbes(n.policySet).probes;
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      const res = matrixVerdicts(plan, { probes });
      const ms = performance.now() - t0;
      console.log(`${pods} pods ${pols} policies ${probes.length} probes: ${res.count} verdicts in ${ms.toFixed(0)} ms = ${(res.count / ms * 1000 / 1e6).toFixed(2)} M/s; reference runs ${res.evaluations}`);
    }
  }
});
