import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LabError,
  labAvailability,
  labDown,
  listNamespaces,
  startLab,
  withLab,
  type Lab,
  type ProbeProtocol,
  type ProbeRequest,
  type ProbeResult,
} from '../../src/verify/index.js';

/**
 * Kernel tests: a real lab in network namespaces. They need root and iproute2; elsewhere
 * they are skipped with a printed notice (CI runs as root and must run them).
 */

function installed(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

const availability = labAvailability();
const hasIpv6 = existsSync('/proc/sys/net/ipv6');
const hasPing = installed('ping');
const hasNft = installed('nft');
if (!availability.ok) console.warn(`[calpol] SKIPPED kernel lab tests: ${availability.reason}`);
if (availability.ok && !hasIpv6) console.warn('[calpol] SKIPPED IPv6 lab checks: IPv6 is disabled in this kernel');
if (availability.ok && !hasPing) console.warn('[calpol] SKIPPED ICMP lab checks: ping is not installed (Debian package iputils-ping)');
if (availability.ok && !hasNft) console.warn('[calpol] SKIPPED ruleset lab checks: nft is not installed (Debian package nftables)');

/** Generous for a loaded CI machine: allowed flows answer in milliseconds, only blocked ones wait it out. */
const probeOptions = { timeoutMs: 1_000, icmpTimeoutMs: 1_000 };
const families: Array<4 | 6> = hasIpv6 ? [4, 6] : [4];
const protocols: ProbeProtocol[] = hasPing ? ['icmp', 'tcp', 'udp'] : ['tcp', 'udp'];

async function namespacesWithPrefix(prefix: string): Promise<string[]> {
  return (await listNamespaces()).filter((name) => name.startsWith(`${prefix}-`));
}

function summary(results: ProbeResult[]): string[] {
  return results.map((r) => `${r.request.from}->${r.request.to} ${r.request.protocol}/${r.request.port ?? '-'}: ${r.outcome}`);
}

describe.skipIf(!availability.ok)('lab wired like a Calico node', () => {
  let lab: Lab;
  const to = (name: string, family: 4 | 6): string => lab.address(name, family) as string;
  const request = (from: string, toName: string, family: 4 | 6, protocol: ProbeProtocol, port = 8080): ProbeRequest => ({
    from,
    to: to(toName, family),
    protocol,
    port,
  });

  beforeAll(async () => {
    lab = await startLab({
      workloads: [
        { name: 'a', ipv4: '10.65.0.1', ...(hasIpv6 ? { ipv6: 'fd00:65::1' } : {}) },
        { name: 'b', ipv4: '10.65.0.2', ...(hasIpv6 ? { ipv6: 'fd00:65::2' } : {}) },
      ],
      externalHosts: [{ name: 'ext', ipv4: '10.67.0.10', ...(hasIpv6 ? { ipv6: 'fd00:67::10' } : {}) }],
      hostEndpoints: [{ name: 'node-eth0', interfaceName: 'eth0' }],
    });
  });

  afterAll(async () => {
    if (!lab) return;
    const report = await lab.teardown();
    expect(report.failed).toEqual([]);
    expect(report.removed).toHaveLength(4);
    expect(await namespacesWithPrefix(lab.topology.prefix)).toEqual([]);
  });

  it('connects pod to pod both ways, over ICMP, TCP and UDP', async () => {
    const requests = families.flatMap((family) =>
      protocols.flatMap((protocol) => [request('a', 'b', family, protocol), request('b', 'a', family, protocol)]),
    );
    const results = await lab.probeAll(requests, probeOptions);
    expect(summary(results)).toEqual(summary(results.map((r) => ({ ...r, outcome: 'allowed' }))));
  });

  it('resolves the 169.254.1.1 gateway by proxy ARP, not by a static neighbour entry', async () => {
    const pod = lab.topology.workloads[0]!;
    const neighbour = await lab.exec(pod.namespace, ['ip', 'neigh', 'show', '169.254.1.1', 'dev', 'eth0']);
    expect(neighbour.stdout).toContain('lladdr ee:ee:ee:ee:ee:ee');
    expect(neighbour.stdout).not.toContain('PERMANENT');
  });

  it('connects pods to the outside, the outside to pods, pods to the node and back', async () => {
    const requests = families.flatMap((family) =>
      protocols.flatMap((protocol) => [
        request('a', 'ext', family, protocol),
        request('ext', 'b', family, protocol),
        request('b', 'node', family, protocol),
        request('node', 'a', family, protocol),
      ]),
    );
    const results = await lab.probeAll(requests, probeOptions);
    expect(summary(results)).toEqual(summary(results.map((r) => ({ ...r, outcome: 'allowed' }))));
  });

  it('never sends to an address outside the lab, and runs commands only in its own namespaces', async () => {
    const result = await lab.probe({ from: 'a', to: '10.99.0.1', protocol: 'tcp', port: 80 });
    expect(result).toMatchObject({ outcome: 'error', reason: 'not-in-lab' });
    await expect(lab.exec('some-other-namespace', ['true'])).rejects.toMatchObject({ code: 'not-in-lab' });
  });

  it.skipIf(!hasNft)("shows pod-to-pod traffic to the node's FORWARD hook", async () => {
    const ruleset = `table inet calpol_lab_forward {
  chain forward_filter {
    type filter hook forward priority 0; policy accept;
    ip saddr ${to('a', 4)} tcp dport 8080 drop
    ${hasIpv6 ? `ip6 saddr ${to('a', 6)} tcp dport 8080 drop` : ''}
  }
}
`;
    const load = await lab.exec(lab.topology.node.namespace, ['nft', '-f', '-'], { input: ruleset });
    expect(load.stderr).toBe('');
    const requests = families.flatMap((family) => [
      request('a', 'b', family, 'tcp'),
      request('a', 'b', family, 'udp'),
      request('b', 'a', family, 'tcp'),
      request('a', 'b', family, 'tcp', 8081),
    ]);
    const results = await lab.probeAll(requests, probeOptions);
    const outcomes = results.map((r) => r.outcome);
    expect(outcomes).toEqual(families.flatMap(() => ['blocked', 'allowed', 'allowed', 'allowed']));
    expect(results.filter((r) => r.outcome === 'blocked').every((r) => r.reason === 'timeout')).toBe(true);
    await lab.exec(lab.topology.node.namespace, ['nft', 'delete', 'table', 'inet', 'calpol_lab_forward']);
    expect((await lab.probe(request('a', 'b', 4, 'tcp'), probeOptions)).outcome).toBe('allowed');
  });

  it.skipIf(!hasNft)("shows pod-to-node traffic to the node's INPUT hook", async () => {
    const ruleset = `table inet calpol_lab_input {
  chain input_filter {
    type filter hook input priority 0; policy accept;
    ip saddr ${to('a', 4)} tcp dport 9090 drop
  }
}
`;
    const load = await lab.exec(lab.topology.node.namespace, ['nft', '-f', '-'], { input: ruleset });
    expect(load.stderr).toBe('');
    const results = await lab.probeAll(
      [
        request('a', 'node', 4, 'tcp', 9090),
        request('a', 'node', 4, 'udp', 9090),
        request('b', 'node', 4, 'tcp', 9090),
        request('a', 'b', 4, 'tcp', 9090),
      ],
      probeOptions,
    );
    expect(results.map((r) => r.outcome)).toEqual(['blocked', 'allowed', 'allowed', 'allowed']);
    await lab.exec(lab.topology.node.namespace, ['nft', 'delete', 'table', 'inet', 'calpol_lab_input']);
  });
});

describe.skipIf(!availability.ok)('lab cleanup', () => {
  it('withLab tears the lab down when the callback throws', async () => {
    let prefix = '';
    const failing = withLab({ workloads: [{ name: 'solo', ipv4: '10.65.1.1' }] }, async (lab) => {
      prefix = lab.topology.prefix;
      expect(await namespacesWithPrefix(prefix)).toHaveLength(3);
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    expect(prefix).not.toBe('');
    expect(await namespacesWithPrefix(prefix)).toEqual([]);
  });

  it('a failed build removes what it created and reports a clear error', async () => {
    // Make the build fail half-way: the run's workload namespace already exists (made by
    // "someone else"), so `ip netns add` refuses it after the node and uplink were created.
    const runId = `${process.pid}-${'f'.repeat(12)}`;
    const taken = `calpol-${runId}-w0`;
    spawnSync('ip', ['netns', 'add', taken]);
    try {
      const build = startLab({ runId, workloads: [{ name: 'x', ipv4: '10.65.2.1' }] });
      await expect(build).rejects.toBeInstanceOf(LabError);
      await expect(build).rejects.toMatchObject({ code: 'command-failed' });
      // The lab deleted what it had made, but not the namespace it did not create.
      expect(await namespacesWithPrefix(`calpol-${runId}`)).toEqual([taken]);
    } finally {
      spawnSync('ip', ['netns', 'del', taken]);
    }
  });
});

const root = resolve(import.meta.dirname, '../..');
const viteNode = join(root, 'node_modules/vite-node/vite-node.mjs');
if (availability.ok && !existsSync(viteNode)) console.warn('[calpol] SKIPPED lab signal test: vite-node (from vitest) not found');

function pidsIn(namespace: string): number[] {
  const output = spawnSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8' }).stdout ?? '';
  return output.split(/\s+/).filter((p) => /^\d+$/.test(p)).map(Number);
}

/** Whether a process still runs (a zombie waiting for its reaper does not count). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Start the fixture, wait for its lab, send `signal`; resolve with what was seen. */
function labKilledBy(signal: NodeJS.Signals): Promise<{ prefix: string; agentPids: number[]; exitSignal: string | null }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [viteNode, join(root, 'test/verify/fixtures/lab-until-signal.ts')], { cwd: root });
    let stdout = '';
    let stderr = '';
    let seen: { prefix: string; agentPids: number[] } | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString();
      if (seen || !stdout.includes('\n')) return;
      const { prefix } = JSON.parse(stdout.split('\n')[0] as string) as { prefix: string };
      seen = { prefix, agentPids: ['node', 'up', 'w0'].flatMap((suffix) => pidsIn(`${prefix}-${suffix}`)) };
      child.kill(signal);
    });
    child.on('exit', (_code, exitSignal) => {
      clearTimeout(timer);
      if (seen) resolvePromise({ ...seen, exitSignal });
      else reject(new Error(`fixture exited before its lab was up: ${stderr}`));
    });
  });
}

describe.skipIf(!availability.ok || !existsSync(viteNode))('lab cleanup on signals', () => {
  it('SIGINT and SIGTERM remove the namespaces, kill the agents, and still end the process', async () => {
    const outcomes = await Promise.all([labKilledBy('SIGTERM'), labKilledBy('SIGINT')]);
    for (const [index, outcome] of outcomes.entries()) {
      expect(outcome.exitSignal).toBe(index === 0 ? 'SIGTERM' : 'SIGINT');
      expect(outcome.agentPids).toHaveLength(3);
      expect(outcome.agentPids.filter(running)).toEqual([]);
      expect(await namespacesWithPrefix(outcome.prefix)).toEqual([]);
    }
  });
});

describe.skipIf(!availability.ok)('labDown', () => {
  const deadPid = spawnSync('true').pid as number;
  const run = `calpol-${deadPid}-abc123abc123`;
  const otherRun = `calpol-${deadPid}-def456def456`;
  const ours = `calpol-${process.pid}-0123456789ab`;
  const created = [`${run}-node`, `${run}-up`, `${run}-w0`, `${run}-scratch`, `${otherRun}-node`, `${ours}-node`];

  beforeAll(() => {
    for (const namespace of created) spawnSync('ip', ['netns', 'add', namespace]);
  });
  afterAll(() => {
    for (const namespace of created) spawnSync('ip', ['netns', 'del', namespace], { stdio: 'ignore' });
  });

  it("removes a dead run's lab namespaces and nothing else", async () => {
    const report = await labDown(run);
    expect(report.removed.sort()).toEqual([`${run}-node`, `${run}-up`, `${run}-w0`]);
    expect(report.failed).toEqual([]);
    const left = await listNamespaces();
    expect(left).toContain(`${run}-scratch`); // not of the lab's exact form
    expect(left).toContain(`${otherRun}-node`); // another run
    expect(left).toContain(`${ours}-node`);
  });

  it('leaves labs of running processes alone unless forced', async () => {
    const polite = await labDown(`calpol-${process.pid}`);
    expect(polite.inUse).toEqual([`${ours}-node`]);
    expect(polite.removed).toEqual([]);
    const forced = await labDown(ours, { force: true });
    expect(forced.removed).toEqual([`${ours}-node`]);
  });

  it('refuses a prefix that is not a calpol lab prefix', async () => {
    await expect(labDown('calpol-x')).rejects.toMatchObject({ code: 'invalid-topology' });
    await expect(labDown('')).rejects.toBeInstanceOf(LabError);
  });
});
