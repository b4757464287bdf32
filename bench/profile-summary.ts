import { readFileSync } from 'node:fs';

/**
 * Where the time goes in a V8 CPU profile: per function (file:line name), its self time
 * and its inclusive time (each sample counted once per function on its stack, so recursion
 * does not count twice). For profiles of a benchmark step:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/child.js compile-node-nft DIR node-000 1 1
 *   node dist/bench/profile-summary.js /tmp/prof/*.cpuprofile [--top 40] [--match src/ir]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function frameKey(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/(dist|node_modules)\//, '$1/');
  return `${file || '(native)'}:${lineNumber + 1} ${functionName || '(anonymous)'}`;
}

export function summarize(profile: Profile): { key: string; self: number; total: number }[] {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const delta = (profile.timeDeltas[index] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node) return;
    const key = frameKey(node);
    self.set(key, (self.get(key) ?? 0) + delta);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = frameKey(byId.get(at) as ProfileNode);
      if (seen.has(frame)) continue;
      seen.add(frame);
      total.set(frame, (total.get(frame) ?? 0) + delta);
    }
  });
  return [...total].map(([key, t]) => ({ key, self: self.get(key) ?? 0, total: t }));
}

function main(args: string[]): void {
  const topAt = args.indexOf('--top');
  const matchAt = args.indexOf('--match');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 40;
  const match = matchAt >= 0 ? args[matchAt + 1] : undefined;
  const flags = [topAt, matchAt].filter((at) => at >= 0).flatMap((at) => [at, at + 1]);
  const files = args.filter((_, i) => !flags.includes(i));
  for (const file of files) {
    const rows = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile).filter((row) => !match || row.key.includes(match));
    const line = (r: { key: string; self: number; total: number }) => `${r.total.toFixed(0).padStart(8)} ms ${r.self.toFixed(0).padStart(8)} ms  ${r.key}`;
    console.log(`${file}\n   total     self   (by total)`);
    for (const row of [...rows].sort((a, b) => b.total - a.total).slice(0, top)) console.log(line(row));
    console.log('   total     self   (by self)');
    for (const row of [...rows].sort((a, b) => b.self - a.self).slice(0, top)) console.log(line(row));
  }
}

main(process.argv.slice(2));
