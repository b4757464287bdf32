import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileIptables, compileNft, median } from './compile.js';
import { loadValid, planOf, type PreparedStep, type Step, type StepContext } from './types.js';

/**
 * Kernel load times of the node's ruleset, each in a fresh network namespace
 * (`unshare --net`), so nothing on the host is touched. The time includes creating the
 * namespace; `unshare_ms` (the same with `true`) says how much that is.
 */

function missingTool(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  for (const tool of ['unshare', 'nft', 'iptables-restore', 'ip6tables-restore', 'ipset']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  return undefined;
}

function inNamespace(args: string[]): void {
  const child = spawnSync('unshare', ['--net', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`unshare --net ${args.join(' ')} exited ${child.status}: ${child.stderr.slice(0, 2000)}`);
}

function unshareBaseline(): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    inNamespace(['true']);
    times.push(performance.now() - start);
  }
  return median(times);
}

function withTempDir(context: StepContext, write: (dir: string) => () => void): PreparedStep {
  const dir = mkdtempSync(join(tmpdir(), 'calpol-bench-kernel-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const run = write(dir);
  const baseline = unshareBaseline();
  return { run, extras: () => ({ unshare_ms: baseline, node: context.node }) };
}

export const nftLoadStep: Step = {
  name: 'nft-load',
  description: 'unshare --net nft -j -f <node ruleset> (root)',
  root: true,
  spawns: true,
  prepare(context: StepContext): PreparedStep | string {
    const missing = missingTool();
    if (missing) return missing;
    const { text } = compileNft(planOf(loadValid(context.sources)), { node: context.node });
    return withTempDir(context, (dir) => {
      const file = join(dir, 'ruleset.json');
      writeFileSync(file, text);
      return () => inNamespace(['nft', '-j', '-f', file]);
    });
  },
};

export const iptablesLoadStep: Step = {
  name: 'iptables-load',
  description: 'unshare --net: ipset restore + iptables-restore + ip6tables-restore --noflush <node ruleset> (root)',
  root: true,
  spawns: true,
  prepare(context: StepContext): PreparedStep | string {
    const missing = missingTool();
    if (missing) return missing;
    const { output } = compileIptables(planOf(loadValid(context.sources)), { node: context.node });
    return withTempDir(context, (dir) => {
      writeFileSync(join(dir, 'ipsets'), output.ipsets);
      writeFileSync(join(dir, 'iptables'), output.iptables);
      writeFileSync(join(dir, 'ip6tables'), output.ip6tables);
      const script = `ipset restore < ${dir}/ipsets && iptables-restore --noflush < ${dir}/iptables && ip6tables-restore --noflush < ${dir}/ip6tables`;
      return () => inNamespace(['sh', '-c', script]);
    });
  },
};

export const kernelSteps: Step[] = [nftLoadStep, iptablesLoadStep];
