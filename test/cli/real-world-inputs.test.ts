import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** Inputs as people keep them: cluster dumps next to repositories, templates, old APIs. */

const scratch = mkdtempSync(join(tmpdir(), 'calpol-inputs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

const POLICY_IN_TIER = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: security.allow-dns
spec:
  tier: security
  selector: all()
  egress:
    - action: Allow
      protocol: UDP
      destination:
        ports: [53]
`;

describe('inputs as people keep them', () => {
  it('a missing tier stops compile and explain (exit 2, nothing written); lint --tier declares it', async () => {
    const path = file('tiered.yaml', POLICY_IN_TIER);
    const output = join(scratch, 'tiered.json');
    const compile = await runCli(['compile', path, '--target', 'nft', '-o', output]);
    expect(compile.code).toBe(2);
    expect(compile.stderr).toMatch(/tiered\.yaml:6:9: error missing-tier: .*\n(.*\n)*  help: pass the file that defines Tier security too/);
    expect(existsSync(output)).toBe(false);
    expect((await runCli(['explain', path, '--src', '10.0.0.1', '--dst', '10.0.0.2', '--proto', 'udp', '--dport', '53'])).code).toBe(2);
    expect((await runCli(['lint', path])).code).toBe(1);
    expect(await runCli(['lint', path, '--tier', 'security:100'])).toMatchObject({ code: 0, stdout: 'no problems found\n' });
  });

  it('a known kind under an unknown apiVersion is an error, not a silent skip', async () => {
    const path = file('v9.yaml', POLICY_IN_TIER.replace('projectcalico.org/v3', 'projectcalico.org/v9'));
    const lint = await runCli(['lint', path]);
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain('v9.yaml:1:13: error unknown-kind');
  });

  it("reads calicoctl's list form (a document that is a sequence of resources)", async () => {
    const items = `${POLICY_IN_TIER}---\napiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: security\nspec:\n  order: 100\n`
      .split('---\n')
      .map((document) => document.trimEnd().replace(/^/gm, '  ').replace(/^ {2}/, '- '))
      .join('\n');
    const lint = await runCli(['lint', file('list-form.yaml', `${items}\n`)]);
    expect(lint).toMatchObject({ code: 0, stdout: 'no problems found\n' });
  });

  it('the same Namespace in an app manifest and a kubectl dump is read once; commands run', async () => {
    const manifest = file('app.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {team: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nstatus: {podIP: 10.0.0.5}\n');
    const dump = file(
      'dump.yaml',
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: shop\n    uid: "7"\n    labels: {team: a, kubernetes.io/metadata.name: shop}\n  spec: {finalizers: [kubernetes]}\n  status: {phase: Active}\n',
    );
    const explain = await runCli(['explain', manifest, dump, '--src', 'shop/web', '--dst', '10.9.9.9', '--proto', 'tcp', '--dport', '443']);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/^ALLOW /);
  });

  it('a template: problems inside kinds calpol does not read are a note; errors in policies say it is a template', async () => {
    const chart = file(
      'chart.yaml',
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {{ .Values.name }}\nspec:\n  replicas: {{ .Values.replicas }}\n---\n' +
        "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: allow-web\n  namespace: prod\nspec:\n  selector: app == 'web'\n",
    );
    const lint = await runCli(['lint', chart, '--format', 'json']);
    expect(lint.code).toBe(0);
    expect((JSON.parse(lint.stdout) as { diagnostics: { code: string; severity: string; line: number }[] }).diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}`)).toEqual(['info yaml-syntax 4']);
    expect((await runCli(['compile', chart, '--target', 'nft'])).code).toBe(0);
    const policy = file('templated-policy.yaml', "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: {{ .Values.name }}\n  namespace: prod\nspec:\n  selector: app == 'web'\n");
    const refused = await runCli(['lint', policy]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('help: this file looks like a Go/Helm template');
  });

  it('rules written under types: (the ingress: line forgotten) get a hint', async () => {
    const path = file('types.yaml', 'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: p}\nspec:\n  types:\n  - Ingress\n  - action: Allow\n');
    const lint = await runCli(['lint', path]);
    expect(lint.stdout).toMatch(/types\.yaml:7:5: error invalid-type: .*\n(.*\n)*  help: this looks like a rule: is the "ingress:" or "egress:" line above it missing\?/);
  });

  it('compile says on stderr which policies select no endpoint of the inputs (their rules are not in the ruleset)', async () => {
    const alone = file('alone.yaml', "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: web}\nspec:\n  selector: app == 'web'\n  ingress: [{action: Allow}]\n");
    const compiled = await runCli(['compile', alone, '--target', 'nft']);
    expect(compiled.code).toBe(0);
    expect(compiled.stderr).toBe(
      'calpol: note: the inputs hold no endpoint, so the ruleset holds no rule of any policy (gnp/web); give calpol the endpoints too (Pods, WorkloadEndpoints, HostEndpoints: kubectl get pods -A -o yaml)\n',
    );
    const pod = file('pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: shop, labels: {app: db}}\nstatus: {podIP: 10.0.0.7}\n');
    const some = await runCli(['compile', alone, pod, '--target', 'nft']);
    expect(some.stderr).toContain('calpol: note: 1 of 1 policies select no endpoint of the inputs, so the ruleset holds none of their rules (gnp/web)');
    expect((await runCli(['compile', 'examples/tiers-with-pass', '--target', 'nft'])).stderr).toBe('');
  });

  it('compile --all-nodes -o DIR: one ruleset per node, each what --node gives; the default mode points to it', async () => {
    const hep = (node: string) =>
      `apiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata: {name: ${node}-eth0, labels: {role: node}}\nspec: {node: ${node}, interfaceName: eth0, expectedIPs: [192.168.0.${node.at(-1)}]}\n`;
    const cluster = file(
      'cluster.yaml',
      `${hep('node-1')}---\n${hep('node-2')}---\napiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec: {nodeName: node-3}\nstatus: {podIP: 10.0.0.3}\n---\n` +
        'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: ssh}\nspec:\n  selector: all()\n  ingress: [{action: Allow, protocol: TCP, destination: {ports: [22]}}]\n',
    );
    const whole = await runCli(['compile', cluster, '--target', 'nft']);
    expect(whole.code).toBe(2);
    expect(whole.stderr).toContain('or every node with --all-nodes -o DIR');
    for (const target of ['nft', 'iptables'] as const) {
      const output = join(scratch, `all-${target}`);
      const all = await runCli(['compile', cluster, '--target', target, '--all-nodes', '-o', output]);
      expect(all.code).toBe(0);
      expect(all.stderr).toBe(`calpol: compiled 3 nodes into ${output}: node-1, node-2, node-3\n`);
      for (const node of ['node-1', 'node-2', 'node-3']) {
        const single = join(scratch, `single-${target}-${node}`);
        expect((await runCli(['compile', cluster, '--target', target, '--node', node, '-o', single])).code).toBe(0);
        const names = target === 'nft' ? [['ruleset.json', '']] : ['iptables.rules', 'ip6tables.rules', 'ipsets.restore', 'attach.sh', 'detach.sh'].map((n) => [n, n]);
        for (const [inDirectory, inSingle] of names) {
          expect(readFileSync(join(output, node, inDirectory as string), 'utf8')).toBe(readFileSync(inSingle ? join(single, inSingle) : single, 'utf8'));
        }
      }
    }
    expect((await runCli(['compile', cluster, '--target', 'nft', '--all-nodes'])).code).toBe(2);
    expect((await runCli(['compile', cluster, '--target', 'nft', '--all-nodes', '--node', 'node-1', '-o', join(scratch, 'x')])).code).toBe(2);
  });

  it('explains a host endpoint known only by its interface, and says when and why a packet is taken as forwarded', async () => {
    const hep = (expected: string) =>
      `apiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata: {name: n1-eth0, labels: {role: node}}\nspec: {node: node-1, interfaceName: eth0${expected}}\n---\n` +
      "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: https}\nspec:\n  selector: role == 'node'\n  ingress: [{action: Allow, protocol: TCP, destination: {ports: [443]}}]\n";
    const bare = file('hep-bare.yaml', hep(''));
    const byName = await runCli(['explain', bare, '--src', '10.0.0.1', '--dst', 'hep:n1-eth0', '--proto', 'tcp', '--dport', '443']);
    expect(byName.code).toBe(0);
    expect(byName.stdout.split('\n').slice(0, 2)).toEqual([
      'ALLOW tcp 10.0.0.1:40000 -> 203.0.113.254:443 (external -> hep:n1-eth0, path host-ingress)',
      "note: hep:n1-eth0 lists no address (no expectedIPs): 203.0.113.254 stands in for the host's, an address no endpoint or set holds; a rule that names the real one in its nets could decide otherwise",
    ]);
    for (const via of ['nft', 'iptables']) {
      expect((await runCli(['explain', bare, '--src', '10.0.0.1', '--dst', 'hep:n1-eth0', '--proto', 'tcp', '--dport', '80', '--via', via])).stdout).toMatch(/^DENY by the emitted/);
    }
    const asHost = await runCli(['explain', bare, '--src', '10.0.0.1', '--dst', '192.168.0.1', '--path', 'host-ingress', '--ingress-hep', 'n1-eth0', '--proto', 'tcp', '--dport', '80']);
    expect(asHost.stdout.split('\n').slice(0, 2)).toEqual([
      'DENY tcp 10.0.0.1:40000 -> 192.168.0.1:80 (external -> hep:n1-eth0, path host-ingress)',
      "note: 192.168.0.1 is taken as an address of hep:n1-eth0, which lists none (no expectedIPs): the packet is the host's own (host-ingress)",
    ]);
    const addressed = file('hep-addressed.yaml', hep(', expectedIPs: [192.168.0.9]'));
    const forwarded = await runCli(['explain', addressed, '--src', '10.0.0.1', '--dst', '192.168.0.1', '--path', 'host-ingress', '--ingress-hep', 'n1-eth0', '--proto', 'tcp', '--dport', '80']);
    expect(forwarded.stdout.split('\n')[1]).toBe(
      'note: treated as forwarded through the host: 192.168.0.1 is not an address of hep:n1-eth0 (192.168.0.9/32), so its forward (applyOnForward) policy applies, not its host policy',
    );
  });
});
