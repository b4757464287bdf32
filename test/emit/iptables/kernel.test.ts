import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { emitIptables, lowerForIptables, type IptablesOutput } from '../../../src/emit/iptables/index.js';
import type { Program } from '../../../src/ir/index.js';
import { builtPrograms } from './built.js';
import { kernelAvailability, tick, withNamespace, type Namespace } from './helpers.js';
import { emptyHookProgram, everythingProgram } from './programs.js';

/**
 * Real loads (root only), in a fresh network namespace each: `ipset restore`, then
 * `iptables-restore --noflush` and `ip6tables-restore --noflush`, then the attach script —
 * with iptables-nft and with iptables-legacy. Then the same again, which must change
 * nothing: every calpol chain holds exactly the emitted rules, once; each built-in chain
 * has one jump to calpol; rules and chains calpol does not own are untouched. Finally the
 * detach script removes calpol and only calpol.
 */

interface Variant {
  name: 'nft' | 'legacy';
  ipt4: string;
  ipt6: string;
}

const VARIANTS: Variant[] = [
  { name: 'nft', ipt4: 'iptables-nft', ipt6: 'ip6tables-nft' },
  { name: 'legacy', ipt4: 'iptables-legacy', ipt6: 'ip6tables-legacy' },
];

const kernel = kernelAvailability();
if (!kernel.ok) console.warn(`[calpol] SKIPPED iptables kernel loads (test/emit/iptables/kernel.test.ts): ${kernel.reason}`);

/** Whether a variant works here (the legacy one needs the x_tables kernel modules). */
function variantWorks(variant: Variant): string | undefined {
  if (!kernel.ok) return kernel.reason;
  for (const tool of [variant.ipt4, variant.ipt6, `${variant.ipt4}-restore`, `${variant.ipt6}-restore`]) {
    if (spawnSync(tool, ['--version']).status !== 0) return `${tool} is not installed`;
  }
  const probe = withNamespace((ns) => ns.exec([variant.ipt4, '-w', '-t', 'filter', '-S']));
  if (probe.status !== 0) return `${variant.ipt4} cannot reach the kernel (${probe.stderr.trim()})`;
  return undefined;
}

const unavailable = new Map(VARIANTS.map((variant) => [variant.name, variantWorks(variant)]));
for (const [name, reason] of unavailable) {
  if (kernel.ok && reason) console.warn(`[calpol] SKIPPED iptables-${name} kernel loads (test/emit/iptables/kernel.test.ts): ${reason}`);
}

function ok(run: { status: number | null; stderr: string }, what: string): void {
  expect(run.stderr, what).toBe('');
  expect(run.status, what).toBe(0);
}

function load(ns: Namespace, variant: Variant, files: IptablesOutput): void {
  ok(ns.exec(['ipset', 'restore'], files.ipsets), 'ipset restore');
  ok(ns.exec([`${variant.ipt4}-restore`, '--noflush'], files.iptables), `${variant.ipt4}-restore`);
  ok(ns.exec([`${variant.ipt6}-restore`, '--noflush'], files.ip6tables), `${variant.ipt6}-restore`);
  ok(ns.script(files.attach, { IPTABLES: variant.ipt4, IP6TABLES: variant.ipt6 }), 'attach');
}

/** iptables-save output without comments and counters: the state to compare. */
function saved(ns: Namespace, tool: string): string {
  const run = ns.exec([`${tool}-save`]);
  ok(run, `${tool}-save`);
  return run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .map((line) => line.replace(/ \[\d+:\d+\]$/, ''))
    .join('\n');
}

/** `<table> <line>` for every `-A` line. */
function tableLines(text: string): string[] {
  let table = '';
  return text.split('\n').flatMap((line) => {
    if (line.startsWith('*')) table = line.slice(1);
    return line.startsWith('-A ') ? [`${table} ${line}`] : [];
  });
}

/** The `-A` lines of each table, per chain, in order. */
function rulesByChain(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let table = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1);
    const chain = /^-A (\S+) /.exec(line)?.[1];
    if (!chain) continue;
    const key = `${table} ${chain}`;
    out.set(key, [...(out.get(key) ?? []), line]);
  }
  return out;
}

/** iptables-save names some protocols after /etc/protocols; calpol writes their numbers. */
const sameProtocols = (line: string): string => line.replace(/-p (gre|ipencap|\d+) /g, '-p P ');

function expectLoaded(ns: Namespace, variant: Variant, files: IptablesOutput): void {
  for (const [tool, text] of [[variant.ipt4, files.iptables], [variant.ipt6, files.ip6tables]] as const) {
    const live = rulesByChain(saved(ns, tool));
    for (const [chain, lines] of rulesByChain(text)) expect((live.get(chain) ?? []).map(sameProtocols), `${tool} ${chain}`).toEqual(lines.map(sameProtocols));
  }
}

const FOREIGN = [
  ['-t', 'filter', '-N', 'someone-else'],
  ['-t', 'filter', '-A', 'someone-else', '-j', 'RETURN'],
  ['-t', 'filter', '-A', 'FORWARD', '-j', 'someone-else'],
  ['-t', 'filter', '-P', 'FORWARD', 'DROP'],
  ['-t', 'nat', '-A', 'POSTROUTING', '-o', 'eth9', '-j', 'MASQUERADE'],
];

async function check(variant: Variant, program: Program): Promise<void> {
  const files = emitIptables(lowerForIptables(program));
  await withNamespace(async (ns) => {
    for (const args of FOREIGN) for (const tool of [variant.ipt4, variant.ipt6]) ok(ns.exec([tool, '-w', ...args]), args.join(' '));
    const before = [saved(ns, variant.ipt4), saved(ns, variant.ipt6)];
    load(ns, variant, files);
    await tick();
    expectLoaded(ns, variant, files);
    const first = [saved(ns, variant.ipt4), saved(ns, variant.ipt6), ns.exec(['ipset', 'save']).stdout];
    await tick();
    load(ns, variant, files);
    await tick();
    const second = [saved(ns, variant.ipt4), saved(ns, variant.ipt6), ns.exec(['ipset', 'save']).stdout];
    // ipset lists a hash set's elements in hash order, which a swapped-in set may change.
    const comparable = (state: string[]) => [...state.slice(0, 2), state[2]?.replace(/ initval 0x[0-9a-f]+/g, '').split('\n').sort().join('\n')];
    expect(comparable(second)).toEqual(comparable(first));
    for (const text of first.slice(0, 2)) {
      expect(text).toContain(':FORWARD DROP');
      expect(text).toContain('-A FORWARD -j someone-else');
      expect(text).toContain('-A POSTROUTING -o eth9 -j MASQUERADE');
      const jumps = tableLines(text).filter((l) => / -m comment --comment "?calpol"? -j calpol-/.test(l));
      expect(new Set(jumps).size).toBe(jumps.length);
      expect(jumps).toHaveLength(new Set(program.hooks.map((h) => `${h.table} ${h.hook}`)).size);
    }
    await tick();
    ok(ns.script(files.detach, { IPTABLES: variant.ipt4, IP6TABLES: variant.ipt6 }), 'detach');
    expect([saved(ns, variant.ipt4), saved(ns, variant.ipt6)].map((s) => s.split('\n').filter((l) => !/^\*|^COMMIT|^:/.test(l)))).toEqual(
      before.map((s) => s.split('\n').filter((l) => !/^\*|^COMMIT|^:/.test(l))),
    );
    expect(ns.exec(['ipset', 'list', '-n']).stdout).toBe('');
  });
}

const PROGRAMS: [string, () => Program][] = [
  ['every match, action and lowering case', everythingProgram],
  ['one empty hook chain', emptyHookProgram],
  ...builtPrograms(6),
];

describe.each(VARIANTS)('iptables-$name: real loads in a fresh network namespace', (variant) => {
  const reason = unavailable.get(variant.name);
  it.skipIf(reason !== undefined).each(PROGRAMS)('%s: loads, reloads without change, detaches', async (_name, make) => {
    await check(variant, make());
  });
});
