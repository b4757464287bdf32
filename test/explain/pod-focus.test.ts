import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCluster, SIZES, writeCluster } from '../../bench/generate.js';
import { referenceEvaluator } from '../../src/eval/index.js';
import { EndpointDirectory, flowInventory, resolveFlow, RuleLookup, traceToJson } from '../../src/explain/index.js';
import { isPlainPodItem, loadModel, type Model } from '../../src/model/index.js';
import { buildTierPlan } from '../../src/tiers/index.js';
import { syntheticSpan } from '../../src/diag/index.js';
import { random } from '../emit/iptables/helpers.js';
import { runCli } from '../helpers/cli.js';

const encoder = new TextEncoder();

/** What `calpol explain --format json` prints, computed on a model loaded whole. */
function explainWhole(model: Model, src: string, dst: string, protocol: string, port: number): string {
  const resolved = resolveFlow({ src, dst, protocol, port, span: syntheticSpan('<command line>'), fieldSpans: {} }, new EndpointDirectory(model.inventory));
  if (!resolved.ok) return `error: ${resolved.errors.map((e) => e.message).join('; ')}`;
  const plan = buildTierPlan(model.policySet, flowInventory(model.inventory, resolved.flow));
  const trace = referenceEvaluator(plan, { endpointToHostAction: 'drop' }).evaluate(resolved.flow);
  return JSON.stringify(traceToJson(trace, resolved.flow, new RuleLookup(model.policySet)), null, 2) + '\n';
}

async function explainCli(dir: string, src: string, dst: string, protocol: string, port: number): Promise<string> {
  const result = await runCli(['explain', dir, '--src', src, '--dst', dst, '--proto', protocol, '--dport', String(port), '--format', 'json']);
  if (result.code === 2) return `error: ${result.stderr.trim().split('\n').map((line) => line.replace(/^calpol explain: /, '')).join('; ')}`;
  return result.stdout;
}

describe('explain reads only the pods a flow needs, with the same answer', () => {
  const cluster = generateCluster(SIZES.S, 3);
  const dir = mkdtempSync(join(tmpdir(), 'calpol-focus-'));
  writeCluster(dir, cluster.files);
  const sources = readdirSync(dir).sort().map((name) => ({ file: join(dir, name), bytes: readFileSync(join(dir, name)) }));
  const whole = loadModel(sources);

  it('the same JSON trace as a whole load for 40 seeded flows (by name, by address, host endpoints, unknown names)', async () => {
    const next = random(7);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
    const workloads = whole.inventory.endpoints.filter((e) => e.kind === 'workload' && e.addresses.length > 0);
    const hosts = whole.inventory.endpoints.filter((e) => e.kind === 'host');
    const reference = () => {
      const roll = next();
      const endpoint = pick(workloads);
      if (roll < 0.6) return `${endpoint.namespace}/${endpoint.name}`;
      if (roll < 0.8) return (endpoint.addresses[0] as string).replace(/\/(32|128)$/, '');
      if (roll < 0.95) return `hep:${pick(hosts).name}`;
      return 'nowhere/no-such-pod';
    };
    for (let i = 0; i < 40; i++) {
      const [src, dst, protocol, port] = [reference(), reference(), pick(['tcp', 'udp']), pick([53, 80, 5432, 8080, 9090])];
      expect(await explainCli(dir, src, dst, protocol, port), `${src} -> ${dst} ${protocol}/${port}`).toBe(explainWhole(whole, src, dst, protocol, port));
    }
  }, 120_000);

  it('leaves most pods unread, and reads every pod owning an address of the flow', () => {
    const pods = whole.inventory.endpoints.filter((e) => e.kind === 'workload');
    const [a, b] = [pods[0], pods[1]] as [typeof pods[0], typeof pods[0]];
    const focused = loadModel(sources, { podFocus: { names: [a.name, b.name], addresses: [] } });
    expect(focused.unreadPods).toBeGreaterThan(pods.length / 2);
    const loaded = new Set(focused.inventory.endpoints.map((e) => e.key));
    expect(loaded.has(a.key) && loaded.has(b.key)).toBe(true);
    for (const endpoint of pods) {
      if (endpoint.addresses.some((address) => a.addresses.includes(address) || b.addresses.includes(address))) expect(loaded.has(endpoint.key)).toBe(true);
    }
  });
});

// Block style throughout: the fast reader reads the file, so items can be left unread.
const DENY_TWIN = `---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: deny-twin\nspec:\n  selector: app == 'bravo'\n  ingress:\n  - action: Deny\n    source:\n      selector: app == 'twin'\n  - action: Allow\n`;
const podList = (pods: string[]) => `apiVersion: v1\nkind: List\nitems:\n${pods.join('')}`;
const pod = (name: string, ip: string, extra = '') =>
  `- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: ${name}\n    namespace: shop\n    labels: {app: ${name}}\n  spec:\n    nodeName: node-1\n    containers:\n    - name: c${extra}\n  status:\n    podIP: ${ip}\n`;

describe('which list items explain may leave unread', () => {
  const plain = podList([pod('a', '10.0.0.1')]);
  const item = (text: string) => isPlainPodItem(text, text.indexOf('\n- ') + 1, text.length);

  it('a plain v1 Pod item', () => {
    expect(item(plain)).toBe(true);
  });

  it('not anything unusual: another kind or version, escapes, a repeated or misplaced top-level key, a flow mapping', () => {
    expect(item(plain.replace('kind: Pod', 'kind: Service'))).toBe(false);
    expect(item(plain.replace('- apiVersion: v1', '- apiVersion: v2'))).toBe(false);
    expect(item(plain.replace('name: a', 'name: "\\x61"'))).toBe(false);
    expect(item(plain.replace('  spec:', '  kind: Pod\n  spec:'))).toBe(false);
    expect(item(plain.replace('  spec:', ' spec:'))).toBe(false);
    expect(item(`apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n`)).toBe(false);
    expect(item(plain.replace('- apiVersion: v1\n  kind: Pod', '- kind: Pod\n  apiVersion: v1'))).toBe(true);
  });

  it('a pod the flow does not name but that owns its address is read, so the answer is the whole load\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calpol-focus-'));
    const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n';
    const policy = DENY_TWIN;
    const yaml = namespace + podList([pod('alpha', '10.0.0.1'), pod('bravo', '10.0.0.2'), pod('twin', '10.0.0.1')]) + policy;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'all.yaml'), yaml);
    const model = loadModel([{ file: join(dir, 'all.yaml'), bytes: encoder.encode(yaml) }]);
    const expected = explainWhole(model, 'shop/alpha', 'shop/bravo', 'tcp', 80);
    expect(expected).toContain('"verdict": "deny"');
    const focused = loadModel([{ file: join(dir, 'all.yaml'), bytes: encoder.encode(yaml) }], { podFocus: { names: ['alpha', 'bravo'], addresses: [] } });
    expect(focused.inventory.endpoints.map((e) => e.name).sort()).toEqual(['alpha', 'bravo', 'twin']);
    expect(await explainCli(dir, 'shop/alpha', 'shop/bravo', 'tcp', 80)).toBe(expected);
    // With another address the twin is left unread.
    const apart = loadModel([{ file: 'all.yaml', bytes: encoder.encode(namespace + podList([pod('alpha', '10.0.0.1'), pod('bravo', '10.0.0.2'), pod('twin', '10.0.0.9')]) + policy) }], { podFocus: { names: ['alpha', 'bravo'], addresses: [] } });
    expect(apart.unreadPods).toBe(1);
  });

  it('when such a pod cannot be read alone (a multi-line scalar), the input loads whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calpol-focus-'));
    const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n';
    const twin = pod('twin', '10.0.0.1').replace('    - name: c\n', '    - name: c\n      image: two\n        lines\n');
    const policy = DENY_TWIN;
    const yaml = namespace + podList([pod('alpha', '10.0.0.1'), pod('bravo', '10.0.0.2'), twin]) + policy;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'all.yaml'), yaml);
    const model = loadModel([{ file: join(dir, 'all.yaml'), bytes: encoder.encode(yaml) }]);
    expect(model.inventory.endpoints.some((e) => e.name === 'twin')).toBe(true);
    const focused = loadModel([{ file: join(dir, 'all.yaml'), bytes: encoder.encode(yaml) }], { podFocus: { names: ['alpha', 'bravo'], addresses: [] } });
    expect(focused.unreadPods).toBe(0);
    expect(focused.inventory.endpoints.map((e) => e.name).sort()).toEqual(['alpha', 'bravo', 'twin']);
    expect(await explainCli(dir, 'shop/alpha', 'shop/bravo', 'tcp', 80)).toBe(explainWhole(model, 'shop/alpha', 'shop/bravo', 'tcp', 80));
  });
});

describe('a WorkloadEndpoint named by its pod', () => {
  it('lends its addresses too: a pod sharing one is read', () => {
    const wep = `---\napiVersion: projectcalico.org/v3\nkind: WorkloadEndpoint\nmetadata:\n  name: node--1-k8s-web--0-eth0\n  namespace: shop\nspec:\n  orchestrator: k8s\n  node: node-1\n  pod: web-0\n  endpoint: eth0\n  interfaceName: cali0123456789a\n  ipNetworks:\n  - 10.0.0.5/32\n`;
    const yaml = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n${podList([pod('bravo', '10.0.0.2'), pod('other', '10.0.0.5'), pod('third', '10.0.0.6')])}${wep}`;
    const focused = loadModel([{ file: 'all.yaml', bytes: encoder.encode(yaml) }], { podFocus: { names: ['web-0', 'bravo'], addresses: [] } });
    const names = focused.inventory.endpoints.map((e) => e.name).sort();
    expect(names).toContain('other');
    expect(names).not.toContain('third');
    expect(focused.unreadPods).toBe(1);
  });
});
