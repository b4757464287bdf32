import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { emitNft, formatNftJson } from '../../src/emit/nft/index.js';
import type { Program } from '../../src/ir/index.js';
import { loadModel } from '../../src/model/index.js';
import { verifyReportJson, verifyReportText, type NodeSetup } from '../../src/cli/commands/verify.js';
import {
  emitForTarget,
  endpointCountsByNode,
  labAvailability,
  listNamespaces,
  prepareVerification,
  targetUnavailable,
  verifyRuleset,
  verifyTarget,
  type TargetResult,
  type VerifyTarget,
} from '../../src/verify/index.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { setUpExample } from './helpers.js';

/**
 * `calpol verify` end to end (root only; skipped with a printed notice elsewhere): every
 * example with endpoints verified on each of its nodes for every target this machine
 * has; a ruleset made wrong on purpose is caught, both when the emitted program is wrong
 * (the evaluators then disagree with the reference) and when only what the kernel loads
 * is (the kernel disagrees with both evaluators); the reports; the command's errors; and
 * that no namespace of this process is left behind.
 */

const availability = labAvailability();
if (!availability.ok) console.warn(`[calpol] SKIPPED calpol verify kernel tests: ${availability.reason}`);
const targets: VerifyTarget[] = (['nft', 'iptables', 'iptables-legacy'] as const).filter((target) => {
  const missing = targetUnavailable(target);
  if (missing && availability.ok) console.warn(`[calpol] SKIPPED verify target ${target}: ${missing}`);
  return !missing;
});

const examplesDir = join(repoRoot, 'examples');

/** Examples with endpoints, and the nodes their endpoints are on (`undefined`: none names a node). */
function examplesWithEndpoints(): Array<{ name: string; nodes: Array<string | undefined> }> {
  return readdirSync(examplesDir)
    .filter((name) => statSync(join(examplesDir, name)).isDirectory())
    .flatMap((name) => {
      const dir = join(examplesDir, name);
      const sources = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.flows.yaml')).map((f) => ({ file: f, bytes: readFileSync(join(dir, f)) }));
      const model = loadModel(sources);
      if (model.hasErrors || model.inventory.endpoints.length === 0) return [];
      const nodes = [...endpointCountsByNode(model.inventory).keys()].sort();
      return [{ name, nodes: nodes.length > 0 ? nodes : [undefined] }];
    });
}

const ourNamespaces = async () => (await listNamespaces()).filter((name) => name.startsWith(`calpol-${process.pid}-`));

function unavailableOrFailing(result: TargetResult): string[] {
  if (result.unavailable) return [`${result.target}: ${result.unavailable}`];
  return result.flows.filter((f) => f.status === 'mismatch' || f.status === 'error').map((f) => `${result.target} ${f.label}: reference ${f.reference}, emitted ${f.emitted}, kernel ${f.kernel} ${f.kernelDetail ?? ''}`);
}

describe.skipIf(!availability.ok)('calpol verify', () => {
  afterAll(async () => {
    expect(await ourNamespaces()).toEqual([]);
  });

  describe.each(examplesWithEndpoints())('example $name', ({ name, nodes }) => {
    it.each(nodes)(`agrees on every flow of node %s, default flows and the example's test flows, for ${targets.join(', ')}`, async (node) => {
      const setup = await setUpExample(name, node);
      const prepared = prepareVerification(setup.request);
      expect(prepared.plans.filter((p) => p.kind === 'probe').length).toBeGreaterThan(0);
      const results = await Promise.all(targets.map((target) => verifyTarget(prepared, setup.program, target)));
      const legacy = results.find((r) => r.target === 'iptables-legacy' && r.unavailable);
      if (legacy) console.warn(`[calpol] SKIPPED verify target iptables-legacy: ${legacy.unavailable}`);
      expect(results.filter((r) => r !== legacy).flatMap(unavailableOrFailing)).toEqual([]);
      for (const result of results.filter((r) => r !== legacy)) expect(result.summary.agree).toBe(prepared.plans.filter((p) => p.kind === 'probe').length);
    });
  });

  describe('a wrong ruleset', () => {
    const dropRule = (program: Program, idPrefix: string): Program => ({
      ...program,
      chains: program.chains.map((chain) => ({ ...chain, rules: chain.rules.filter((rule) => !rule.origin.id.startsWith(idPrefix)) })),
    });

    it('is caught when the emitted program lacks a rule: both evaluated rulesets disagree with the reference', async () => {
      const setup = await setUpExample('allow-tcp-6379', 'node-1');
      const tampered = dropRule(setup.program, 'p:np/production/allow-tcp-6379:i:0');
      expect(tampered.chains.flatMap((c) => c.rules).length).toBeLessThan(setup.program.chains.flatMap((c) => c.rules).length);
      const prepared = prepareVerification(setup.request);
      const result = await verifyTarget(prepared, tampered, targets[0] as VerifyTarget);
      const caught = result.flows.filter((f) => f.status === 'mismatch');
      expect(caught.map((f) => `${f.label}: ${f.reference} ${f.emitted} ${f.kernel}`)).toContain(
        'production/frontend-7d9f (10.65.0.20) -> production/redis-0 (10.65.0.10) tcp/6379: allow deny deny',
      );
      const text = verifyReportText([result], setup.cli, 'test flows', false);
      expect(text).toMatch(/^MISMATCH \[\w+\] production\/frontend-7d9f \(10\.65\.0\.20\) -> production\/redis-0 \(10\.65\.0\.10\) tcp\/6379: reference allow, emitted deny, kernel deny \(timeout\)$/m);
      expect(text).toMatch(/^ {4}the emitted ruleset decided at cp-tw-[0-9a-f]+\[\d+\] t:default:i; the reference:$/m);
      expect(text).toContain('NetworkPolicy production/allow-tcp-6379: ingress rule 0 (Allow)'); // the explain trace names the rule that allows
      expect(text).toMatch(new RegExp(`^\\d+ flows, \\d+ agree, ${caught.length} mismatches, \\d+ skipped \\(target \\S+\\) in [\\d.]+ s$`, 'm'));
    });

    it('is caught when only what the kernel loads is wrong: the kernel disagrees with both evaluators', async () => {
      const setup = await setUpExample('allow-tcp-6379', 'node-1');
      const prepared = prepareVerification(setup.request);
      const honest = emitForTarget(setup.program, 'nft');
      // The kernel gets a ruleset without the redis ingress chain's rules; the evaluator runs the honest one.
      const wrong = dropRule(setup.program, 'p:np/production/allow-tcp-6379');
      const lying = { ...honest, files: { 'ruleset.json': formatNftJson(emitNft(wrong)) } };
      const result = await verifyRuleset(prepared, lying);
      const caught = result.flows.filter((f) => f.status === 'mismatch');
      expect(caught.length).toBeGreaterThan(0);
      for (const flow of caught) {
        expect(flow.reference).toBe(flow.emitted);
        expect(flow.kernel).not.toBe(flow.reference);
      }
      const json = JSON.parse(verifyReportJson([result], setup.cli, 'nft')) as { flows: Array<{ agree: boolean; status: string }>; summary: { mismatches: number } };
      expect(json.summary.mismatches).toBe(caught.length);
      expect(json.flows.filter((f) => !f.agree && f.status !== 'skipped')).toHaveLength(caught.length);
    });
  });

  describe('the command', () => {
    const example = join(examplesDir, 'allow-tcp-6379');

    it('prints one summary line per target and exits 0 when every flow agrees', async () => {
      const run = await runCli(['verify', example, '--target', 'nft', '--flows', join(example, 'test.flows.yaml')]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^calpol verify: node node-1: 2 pods, 0 host endpoints, uplink eth0; flows: .*test\.flows\.yaml$/m);
      expect(run.stdout).toContain('skipped: 1 path crosses another node (the lab is one node)');
      expect(run.stdout).toMatch(/^5 flows, 4 agree, 0 mismatches, 1 skipped \(target nft\) in [\d.]+ s$/m);
    });

    it('reports every flow with its three verdicts as JSON', async () => {
      const run = await runCli(['verify', example, '--format', 'json', '--target', 'all']);
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as { target: string; node: string; flows: Array<Record<string, unknown>>; summary: Record<string, unknown> };
      expect(report.target).toBe('all');
      expect(report.node).toBe('node-1');
      expect(report.flows[0]).toMatchObject({ target: 'nft', reference: expect.any(String), emitted: expect.any(String), kernel: expect.any(String), agree: true });
      expect(report.summary).toMatchObject({ mismatches: 0, errors: 0 });
      expect(report.flows.length).toBe(report.summary.flows);
    });

    it('keeps the lab with --keep; calpol lab down removes it (a running process needs --force)', async () => {
      const run = await runCli(['verify', example, '--keep']);
      expect(run.code).toBe(0);
      const prefix = /^kept lab (calpol-\d+-[0-9a-f]+) /m.exec(run.stdout)?.[1] as string;
      expect(prefix).toBeDefined();
      expect((await listNamespaces()).filter((n) => n.startsWith(`${prefix}-`)).length).toBeGreaterThan(2);
      const polite = await runCli(['lab', 'down', prefix]);
      expect(polite.stdout).toMatch(new RegExp(`^kept lab ${prefix} \\(\\d+ namespaces\\): the calpol process that made it still runs`, 'm'));
      const forced = await runCli(['lab', 'down', prefix, '--force']);
      expect(forced.code).toBe(0);
      expect(forced.stdout).toContain(`removed ${prefix}-node`);
      expect((await listNamespaces()).filter((n) => n.startsWith(`${prefix}-`))).toEqual([]);
    });

    it('lab up leaves the wired namespaces with the ruleset loaded and says how to enter each pod; lab down removes them', async () => {
      const up = await runCli(['lab', 'up', example]);
      expect(up.stderr).toBe('');
      expect(up.code).toBe(0);
      const prefix = /^lab (calpol-\d+-[0-9a-f]+) is up: node node-1/m.exec(up.stdout)?.[1] as string;
      expect(prefix).toBeDefined();
      const namespaceOf = (who: string) => new RegExp(`^\\s+(${prefix}-\\w+)\\s+${who}`, 'm').exec(up.stdout)?.[1] as string;
      const redis = namespaceOf('pod production/redis-0');
      const node = namespaceOf('the node');
      expect(up.stdout).toContain(`ip netns exec ${namespaceOf('pod production/frontend-7d9f')} ping -c1 -W1 10.65.0.10`);
      expect(spawnSync('ip', ['netns', 'exec', node, 'nft', 'list', 'table', 'inet', 'calpol']).status).toBe(0);
      // By hand, as the printout suggests: redis may reach the frontend (egress Allow; the frontend has no policy).
      expect(spawnSync('ip', ['netns', 'exec', redis, 'ping', '-c1', '-W2', '10.65.0.20']).status).toBe(0);
      const down = await runCli(['lab', 'down', prefix, '--force']);
      expect(down.code).toBe(0);
      expect(down.stdout).toContain(`removed ${redis}`);
      expect((await listNamespaces()).filter((n) => n.startsWith(`${prefix}-`))).toEqual([]);
    });

    it('says when a target cannot run here: exit 2 when asked for, a notice with --target all', async () => {
      // A PATH without the iptables-legacy tools (everything else the lab needs is there).
      const bin = mkdtempSync(join(tmpdir(), 'calpol-verify-path-'));
      const tools = ['ip', 'ping', 'nft', 'ipset', 'iptables-nft', 'ip6tables-nft', 'iptables-nft-restore', 'ip6tables-nft-restore', 'env', 'sh'];
      for (const tool of tools) {
        const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
        if (found) symlinkSync(found, join(bin, tool));
      }
      const path = process.env.PATH;
      process.env.PATH = bin;
      try {
        const legacy = await runCli(['verify', example, '--target', 'iptables-legacy']);
        expect(legacy).toMatchObject({ code: 2, stdout: '' });
        expect(legacy.stderr).toContain('calpol verify: target iptables-legacy is not available here: iptables-legacy, ip6tables-legacy, iptables-legacy-restore, ip6tables-legacy-restore not installed');
        const all = await runCli(['verify', example, '--target', 'all']);
        expect(all.code).toBe(0);
        expect(all.stderr).toContain('calpol verify: skipping target iptables-legacy:');
        expect(all.stdout).toContain('target iptables-legacy not run:');
        expect(all.stdout).toMatch(/^\d+ flows, \d+ agree, 0 mismatches, 0 skipped \(target iptables\) in/m);
      } finally {
        process.env.PATH = path;
        rmSync(bin, { recursive: true, force: true });
      }
    });

    it('refuses what it cannot do with exit 2 and a message', async () => {
      const node = await runCli(['verify', example, '--node', 'nowhere']);
      expect(node).toMatchObject({ code: 2, stdout: '' });
      expect(node.stderr).toContain('--node nowhere: no endpoint is on that node; nodes: node-1, node-2');
      const target = await runCli(['verify', example, '--target', 'pf']);
      expect(target.code).toBe(2);
      const flows = await runCli(['verify', example, '--flows', '-'], { stdin: '- {src: production/redis-0, dst: nobody, protocol: TCP, port: 1}\n' });
      expect(flows.code).toBe(2);
      expect(flows.stderr).toContain('no endpoint "nobody"');
      const uid = vi.spyOn(process as { getuid(): number }, 'getuid').mockReturnValue(1000);
      try {
        const notRoot = await runCli(['verify', example]);
        expect(notRoot.code).toBe(2);
        expect(notRoot.stderr).toContain('calpol verify: network namespaces need root (uid 0)');
      } finally {
        uid.mockRestore();
      }
    });
  });
});
