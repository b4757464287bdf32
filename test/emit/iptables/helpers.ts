import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '../../../bench/generate/random.js';
import { sanitizeLogPrefix } from '../../../src/emit/iptables/index.js';
import { parsePrefix, RunEvaluator, type Packet, type RunInput, type RunTrace } from '../../../src/eval/index.js';
import type { CtState, Program } from '../../../src/ir/index.js';

/** The benchmark generator's seeded PRNG as a function: the same seed gives the same inputs on every machine. */
export function random(seed: number): () => number {
  const generator = new Random(seed);
  return () => generator.next();
}

interface Values {
  /** Named-port elements: [address, protocol, port]. */
  named: [string, number, number][];
  v4: string[];
  v6: string[];
  ports: number[];
  interfaces: string[];
  icmp: [number, number][];
  marks: number[];
}

function addressesOf(cidr: string): string[] {
  const prefix = parsePrefix(cidr.split(',')[0] as string);
  if (!prefix) return [];
  const bits = prefix.version === 4 ? 32 : 128;
  const base = prefix.value;
  const last = base + (1n << BigInt(bits - prefix.length)) - 1n;
  const format = (value: bigint) =>
    prefix.version === 4
      ? [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.')
      : Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
  const out = [format(base), format(last)];
  if (last > base + 1n) out.push(format(base + 1n));
  if (base > 0n) out.push(format(base - 1n));
  return out;
}

/** Values a program tests (addresses, ports, interfaces, ICMP types, marks) and their neighbours. */
function valuesOf(program: Program): Values {
  const values: Values = {
    named: [],
    v4: ['10.0.0.1', '10.65.1.10', '192.168.1.7', '8.8.8.8'],
    v6: ['fd00::1', '2001:db8::1', '::1'],
    ports: [0, 22, 53, 80, 443, 8080, 65535],
    interfaces: ['', 'eth0', 'eth1', 'cali1', 'calia', 'tap0', 'lo'],
    icmp: [[8, 0], [0, 0], [3, 4], [128, 0], [1, 4], [135, 0]],
    marks: [0, 0x10000, 0x20000, 0x30000],
  };
  const addAddress = (cidr: string) => {
    for (const address of addressesOf(cidr)) (address.includes(':') ? values.v6 : values.v4).push(address);
  };
  for (const set of program.sets) set.elements.forEach(addAddress);
  for (const set of program.sets) {
    for (const element of set.elements) {
      const [address, protocol, port] = element.split(',');
      if (port === undefined) continue;
      values.ports.push(Number(port));
      for (const host of addressesOf(address as string)) values.named.push([host, Number(protocol), Number(port)]);
    }
  }
  for (const map of program.maps) for (const entry of map.entries) values.interfaces.push(entry.interface.replace(/\*$/, 'x'), entry.interface.replace(/\*$/, ''));
  for (const chain of program.chains) {
    for (const rule of chain.rules) {
      for (const match of rule.matches) {
        if (match.kind === 'sourceNet' || match.kind === 'destinationNet') match.nets.forEach(addAddress);
        if (match.kind === 'sourcePort' || match.kind === 'destinationPort') for (const r of match.ranges) values.ports.push(r.min, r.max, r.min - 1, r.max + 1);
        if (match.kind === 'inInterface' || match.kind === 'outInterface') for (const n of match.names) values.interfaces.push(n.replace(/\*$/, 'x'), n.replace(/\*$/, ''));
        if (match.kind === 'icmp') values.icmp.push([match.type, match.code ?? 0], [match.type, (match.code ?? 0) + 1]);
        if (match.kind === 'mark') values.marks.push(match.value, match.value ^ match.mask);
      }
    }
  }
  values.ports = values.ports.filter((p) => p >= 0 && p <= 65535);
  values.marks = values.marks.map((m) => m & 0xffff_ffff & ~0x1f_80000);
  return values;
}

const CT_STATES: CtState[] = ['new', 'established', 'related', 'invalid', 'untracked'];
const PROTOCOLS = [6, 6, 17, 17, 132, 136, 1, 58, 47];

/**
 * `count` inputs built from the values a program tests (so that rules do match), with a
 * seeded PRNG. Incoming marks never carry the lowering's flag candidates (0x80000 …).
 */
export function inputsFor(program: Program, count: number, seed: number): RunInput[] {
  const values = valuesOf(program);
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const inputs: RunInput[] = [];
  for (let i = 0; i < count; i++) {
    const v6 = next() < 0.35;
    const addresses = v6 ? values.v6 : values.v4;
    let protocol = pick(PROTOCOLS);
    if (protocol === 1 && v6) protocol = 58;
    if (protocol === 58 && !v6) protocol = 1;
    const source = pick(addresses);
    const destination = pick(addresses);
    const packet: Packet = {
      ipVersion: v6 ? 6 : 4,
      source: parsePrefix(source) as NonNullable<ReturnType<typeof parsePrefix>>,
      destination: parsePrefix(destination) as NonNullable<ReturnType<typeof parsePrefix>>,
      sourceAddress: source,
      destinationAddress: destination,
      protocol,
    };
    if ([6, 17, 132, 136].includes(protocol)) [packet.sourcePort, packet.destinationPort] = [pick(values.ports), pick(values.ports)];
    const named = values.named.filter(([address, p]) => address.includes(':') === v6 && [6, 17, 132, 136].includes(p));
    if (named.length > 0 && next() < 0.2) {
      // A packet to (or from) a named port, so that named-port sets do match.
      const [address, namedProtocol, port] = pick(named);
      const side = next() < 0.5 ? 'source' : 'destination';
      packet.protocol = namedProtocol;
      packet[side] = parsePrefix(address) as NonNullable<ReturnType<typeof parsePrefix>>;
      packet[side === 'source' ? 'sourceAddress' : 'destinationAddress'] = address;
      if (packet.sourcePort === undefined) [packet.sourcePort, packet.destinationPort] = [pick(values.ports), pick(values.ports)];
      if (side === 'source') packet.sourcePort = port;
      else packet.destinationPort = port;
    }
    if (protocol === 1 || protocol === 58) [packet.icmpType, packet.icmpCode] = pick(values.icmp);
    const input: RunInput = { packet, path: pick(['forward', 'input', 'output'] as const), ctState: pick(CT_STATES), mark: pick(values.marks) };
    const inInterface = pick(values.interfaces);
    const outInterface = pick(values.interfaces);
    if (input.path !== 'output' && inInterface) input.inInterface = inInterface;
    if (input.path !== 'input' && outInterface) input.outInterface = outInterface;
    inputs.push(input);
  }
  return inputs;
}

/** What must be the same after lowering: verdict, marks, NAT, conntrack, logs (prefixes as iptables writes them), deciding rule's origin. */
function outcome(trace: RunTrace, program: Program, sanitize: boolean): string {
  const final = trace.final ? program.chains.find((c) => c.name === trace.final?.chain)?.rules[trace.final.index]?.origin.id : undefined;
  const logs = sanitize ? trace.logs.map(sanitizeLogPrefix) : trace.logs;
  return JSON.stringify({ verdict: trace.verdict, marks: trace.marks, natted: trace.natted, ct: trace.ctState, logs, final });
}

/** Inputs on which the two programs disagree (at most `limit`), described. */
export function differences(original: Program, lowered: Program, inputs: readonly RunInput[], limit = 5): string[] {
  const a = new RunEvaluator(original);
  const b = new RunEvaluator(lowered);
  const out: string[] = [];
  for (const input of inputs) {
    const expected = outcome(a.run(input), original, true);
    const actual = outcome(b.run(input), lowered, false);
    if (expected !== actual) out.push(`${JSON.stringify({ ...input, packet: { ...input.packet, source: undefined, destination: undefined } })}\n  original ${expected}\n  lowered  ${actual}`);
    if (out.length >= limit) break;
  }
  return out;
}

/** Kernel tools, when the tests run as root on Linux (CI runs as root). */
export function kernelAvailability(): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'not Linux' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not running as root' };
  for (const [tool, args, pkg] of [
    ['ip', ['-V'], 'iproute2'],
    ['ipset', ['--version'], 'ipset'],
    ['iptables-nft-restore', ['--version'], 'iptables'],
  ] as const) {
    if (spawnSync(tool, [...args]).status !== 0) return { ok: false, reason: `${tool} is not installed (Debian package ${pkg})` };
  }
  return { ok: true };
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface Namespace {
  name: string;
  /** Runs a command inside the namespace, with `input` on its stdin. */
  exec(command: string[], input?: string): Run;
  /** Runs a shell script (given as text) inside the namespace with extra environment. */
  script(text: string, env: Record<string, string>): Run;
}

const live = new Set<string>();
process.on('exit', () => {
  for (const name of live) spawnSync('ip', ['netns', 'del', name]);
});

/** Lets the event loop run (vitest's worker talks to its parent in between synchronous kernel calls). */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `body` in a fresh network namespace `calpol-ipt-<pid>-<random>`, deleted afterwards
 * (also on failure, and when the body is async, after it settles).
 */
export function withNamespace<T>(body: (namespace: Namespace) => T): T {
  const name = `calpol-ipt-${process.pid}-${randomBytes(4).toString('hex')}`;
  const created = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`ip netns add ${name} failed: ${created.stderr}`);
  live.add(name);
  const directory = mkdtempSync(join(tmpdir(), 'calpol-ipt-'));
  const run = (command: string[], input?: string, env?: Record<string, string>): Run => {
    const result = spawnSync('ip', ['netns', 'exec', name, ...command], { encoding: 'utf8', input, timeout: 120_000, env: { ...process.env, ...env } });
    return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? result.error?.message ?? '' };
  };
  const cleanup = () => {
    spawnSync('ip', ['netns', 'del', name]);
    live.delete(name);
    rmSync(directory, { recursive: true, force: true });
  };
  let result: T;
  try {
    result = body({
      name,
      exec: (command, input) => run(command, input),
      script(text, env) {
        const path = join(directory, `script-${randomBytes(4).toString('hex')}.sh`);
        writeFileSync(path, text);
        return run(['sh', path], undefined, env);
      },
    });
  } catch (error) {
    cleanup();
    throw error;
  }
  if (result instanceof Promise) return result.finally(cleanup) as T;
  cleanup();
  return result;
}
