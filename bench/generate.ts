import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hostEndpointList, ipPools, list, namespacesAndServiceAccounts, networkSets, podList } from './generate/inventory.js';
import { planCluster, SIZES, type ClusterLayout, type ClusterSize, type SizeName } from './generate/layout.js';
import { extraPolicy, globalPolicies, namespaceRecipes, tiers } from './generate/policies.js';
import { Random } from './generate/random.js';
import { toYaml, toYamlStream, type YamlValue } from './generate/yaml-writer.js';

export { planCluster, SIZES, PODS_PER_NODE, type ClusterLayout, type ClusterSize, type SizeName } from './generate/layout.js';

/**
 * A seeded generator of realistic clusters (see bench/generate/*.ts for the shapes),
 * written as a handful of YAML files. Same size and seed → byte-identical files.
 *
 *   node dist/bench/generate.js --size M --seed 1 --out DIR [--scale 2]
 */

export interface GeneratedFile {
  name: string;
  text: string;
}

export interface GeneratedCluster {
  layout: ClusterLayout;
  files: GeneratedFile[];
  counts: { policies: number; globalPolicies: number; k8sPolicies: number; calicoPolicies: number; pods: number; namespaces: number; nodes: number };
}

type Doc = { [key: string]: YamlValue };

/** Independent streams per section, so a change in one section leaves the others' bytes alone. */
const stream = (seed: number, section: number) => new Random((seed + Math.imul(section, 0x9e3779b9)) >>> 0);

function namespacedPolicies(layout: ClusterLayout, extras: number, random: Random): { k8s: Doc[]; calico: Doc[] } {
  const k8s: Doc[] = [];
  const calico: Doc[] = [];
  const add = (doc: Doc) => (doc.kind === 'NetworkPolicy' && doc.apiVersion === 'networking.k8s.io/v1' ? k8s : calico).push(doc);
  for (const ns of layout.appNamespaces) namespaceRecipes(ns).forEach(add);
  const namespaces = layout.appNamespaces;
  for (let i = 0; i < extras; i++) {
    const ns = namespaces[i % namespaces.length] as (typeof namespaces)[number];
    const serial = Math.floor(i / namespaces.length);
    add(extraPolicy(ns, i + serial, serial, layout, random));
  }
  return { k8s, calico };
}

/** At most this many pods per file: a 50k-pod `kubectl get pods -A -o yaml` is ~70 MB, over the loader's 64 MiB limit. */
export const PODS_PER_FILE = 10_000;

function podFiles(layout: ClusterLayout, random: Random): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (let start = 0; start < layout.pods.length; start += PODS_PER_FILE) {
    const part = { ...layout, pods: layout.pods.slice(start, start + PODS_PER_FILE) };
    files.push({ name: `pods-${String(files.length).padStart(2, '0')}.yaml`, text: toYaml(podList(part, random)) });
  }
  return files;
}

export function generateCluster(size: ClusterSize, seed: number): GeneratedCluster {
  const layout = planCluster(size, seed);
  const globalCount = Math.max(6, Math.round(size.policies * 0.05));
  const extras = size.policies - globalCount - 4 * layout.appNamespaces.length;
  if (extras < 0) throw new Error(`${size.policies} policies are too few for ${layout.appNamespaces.length} namespaces (4 each) and ${globalCount} global ones`);
  const sets = networkSets(layout, stream(seed, 3));
  const partners = sets.filter((doc) => (doc.metadata as Doc).name?.toString().startsWith('partner-')).length;
  const globals = globalPolicies(globalCount, layout, partners, stream(seed, 4));
  const { k8s, calico } = namespacedPolicies(layout, extras, stream(seed, 5));
  const files: GeneratedFile[] = [
    { name: 'namespaces.yaml', text: toYaml(namespacesAndServiceAccounts(layout, stream(seed, 1))) },
    ...podFiles(layout, stream(seed, 2)),
    { name: 'hostendpoints.yaml', text: toYaml(hostEndpointList(layout)) },
    { name: 'networksets.yaml', text: toYamlStream([...ipPools(), ...sets]) },
    { name: 'tiers.yaml', text: toYamlStream(tiers()) },
    { name: 'globalnetworkpolicies.yaml', text: toYamlStream(globals) },
    { name: 'networkpolicies.yaml', text: toYamlStream(calico) },
    { name: 'k8s-networkpolicies.yaml', text: toYaml(list(k8s, 'networking.k8s.io/v1', 'NetworkPolicyList')) },
  ];
  const counts = {
    policies: globals.length + k8s.length + calico.length,
    globalPolicies: globals.length,
    k8sPolicies: k8s.length,
    calicoPolicies: calico.length,
    pods: layout.pods.length,
    namespaces: layout.namespaces.length,
    nodes: layout.nodes.length,
  };
  return { layout, files, counts };
}

export function scaledSize(name: SizeName, scale = 1): ClusterSize {
  const base = SIZES[name];
  return { policies: Math.round(base.policies * scale), pods: Math.round(base.pods * scale) };
}

/** Writes the files into `dir` (created; earlier .yaml files there are removed first). */
export function writeCluster(dir: string, files: readonly GeneratedFile[]): void {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (name.endsWith('.yaml')) rmSync(join(dir, name));
  for (const file of files) writeFileSync(join(dir, file.name), file.text);
}

function argument(args: readonly string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}

function main(args: readonly string[]): void {
  const size = (argument(args, '--size') ?? 'S') as SizeName;
  const out = argument(args, '--out');
  if (!(size in SIZES) || out === undefined) {
    console.error('usage: node dist/bench/generate.js --size S|M|L [--seed N] [--scale F] --out DIR');
    process.exit(2);
  }
  const seed = Number(argument(args, '--seed') ?? '1');
  const scale = Number(argument(args, '--scale') ?? '1');
  const cluster = generateCluster(scaledSize(size, scale), seed);
  writeCluster(out, cluster.files);
  const bytes = cluster.files.reduce((sum, file) => sum + Buffer.byteLength(file.text), 0);
  console.log(JSON.stringify({ out, size, seed, scale, ...cluster.counts, bytes }));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
