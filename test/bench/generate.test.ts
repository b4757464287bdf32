import { describe, expect, it } from 'vitest';
import { generateCluster, PODS_PER_NODE, SIZES } from '../../bench/generate.js';
import { loadModel } from '../../src/model/index.js';

const encoder = new TextEncoder();
const sourcesOf = (files: { name: string; text: string }[]) => files.map((file) => ({ file: file.name, bytes: encoder.encode(file.text) }));

describe('bench generator', () => {
  const cluster = generateCluster(SIZES.S, 1);
  const model = loadModel(sourcesOf(cluster.files));

  it('is deterministic: the same seed gives the same bytes, another seed other bytes', () => {
    const again = generateCluster(SIZES.S, 1);
    expect(again.files.map((f) => f.name)).toEqual(cluster.files.map((f) => f.name));
    for (const [index, file] of again.files.entries()) expect(file.text).toBe(cluster.files[index]?.text);
    const other = generateCluster(SIZES.S, 2);
    expect(other.files.map((f) => f.text).join('')).not.toBe(cluster.files.map((f) => f.text).join(''));
  });

  it('writes a handful of YAML files', () => {
    expect(cluster.files.length).toBeGreaterThanOrEqual(5);
    expect(cluster.files.length).toBeLessThanOrEqual(12);
    for (const file of cluster.files) expect(file.name).toMatch(/\.yaml$/);
  });

  it('loads with zero errors (and no warnings)', () => {
    expect(model.hasErrors).toBe(false);
    expect(model.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  });

  it('has the specified counts: 100 policies, 1000 pods, one host endpoint per node of 250 pods', () => {
    expect(cluster.counts.policies).toBe(SIZES.S.policies);
    expect(model.policySet.policies.length).toBe(SIZES.S.policies);
    const workloads = model.inventory.endpoints.filter((e) => e.kind === 'workload');
    const hosts = model.inventory.endpoints.filter((e) => e.kind === 'host');
    expect(workloads.length).toBe(SIZES.S.pods);
    expect(hosts.length).toBe(SIZES.S.pods / PODS_PER_NODE);
    const perNode = new Map<string, number>();
    for (const e of workloads) perNode.set(e.node as string, (perNode.get(e.node as string) ?? 0) + 1);
    expect([...perNode.values()]).toEqual(Array(hosts.length).fill(PODS_PER_NODE));
    expect(new Set(hosts.map((h) => h.node))).toEqual(new Set(perNode.keys()));
  });

  it('has the specified shapes: recipes, tiers with Pass, port ranges, named ports, service accounts, network sets', () => {
    const policies = model.policySet.policies;
    const k8s = policies.filter((p) => p.kind === 'KubernetesNetworkPolicy').map((p) => p.name);
    for (const recipe of ['default-deny', 'allow-from-ingress', 'allow-dns-egress']) expect(k8s).toContain(recipe);
    expect(k8s.some((name) => name.startsWith('allow-same-app-'))).toBe(true);
    const tiers = new Map(model.policySet.tiers.map((t) => [t.name, t.order]));
    expect(tiers.get('security')).toBe(100);
    expect(tiers.get('platform')).toBe(200);
    const rules = policies.flatMap((p) => [...p.ingress, ...p.egress]);
    expect(policies.some((p) => p.tier === 'security' && [...p.ingress, ...p.egress].some((r) => r.action === 'Pass'))).toBe(true);
    expect(policies.some((p) => p.tier === 'platform' && p.kind === 'GlobalNetworkPolicy')).toBe(true);
    expect(rules.some((r) => r.destination.ports.some((port) => port.kind === 'range' && port.max > port.min))).toBe(true);
    expect(rules.some((r) => r.destination.ports.some((port) => port.kind === 'named'))).toBe(true);
    expect(model.policySet.networkSets.length).toBeGreaterThan(3);
    const pods = model.inventory.endpoints.filter((e) => e.kind === 'workload');
    expect(pods.every((e) => e.namedPorts.length > 0)).toBe(true);
    expect(pods.filter((e) => e.namespace !== 'kube-system').every((e) => e.labels.app !== undefined)).toBe(true);
    expect(pods.every((e) => e.labels['projectcalico.org/serviceaccount'] !== 'default')).toBe(true);
    expect(pods.filter((e) => e.labels.tier !== undefined && e.labels.role !== undefined).length).toBeGreaterThan(900);
  });
});
