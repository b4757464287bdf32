import { mkdtempSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultProbes, matrixVerdicts, renderText } from '../../src/matrix/index.js';
import { loadModel } from '../../src/model/index.js';
import { buildTierPlan } from '../../src/tiers/index.js';
import { runCli } from '../helpers/cli.js';

const K8S = 'examples/k8s-isolation';
const TIERS = 'examples/tiers-with-pass';
const scratch = mkdtempSync(join(tmpdir(), 'calpol-matrix-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface JsonMatrix {
  ports: { protocol: string; port: number | null; label: string }[];
  endpoints: { name: string; key: string; kind: string }[];
  sources: string[];
  destinations: string[];
  cells: { src: string; dst: string; protocol: string; port: number | null; ipVersion: number; verdict: string; policy: Record<string, unknown> | null; fact: string }[];
}

async function json(args: string[]): Promise<JsonMatrix> {
  const result = await runCli(['matrix', ...args, '--format', 'json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as JsonMatrix;
}

describe('calpol matrix: text', () => {
  it('prints one table per port, ASCII when stdout is not a terminal, and exits 0 even with denies', async () => {
    const result = await runCli(['matrix', K8S]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        'calpol matrix: 4 sources x 4 destinations, 1 port',
        'rows are sources, columns destinations: A allow, D deny, . no flow (the endpoint itself, or the two have no address of a common IP family)',
        '',
        'destinations:',
        '  1  ops/backup',
        '  2  store/api',
        '  3  store/db',
        '  4  store/other',
        '',
        'tcp/5432       1 2 3 4',
        '  ops/backup   . A A A',
        '  store/api    A . A A',
        '  store/db     A A . A',
        '  store/other  A A D .',
        '  tcp/5432: 11 allow, 1 deny',
        '',
      ].join('\n'),
    );
  });

  it('several ports, and a Pass tier in front of Kubernetes policy', async () => {
    const result = await runCli(['matrix', TIERS, '--port', 'tcp/8080,tcp/9090']);
    expect(result.code).toBe(0);
    const tables = result.stdout.split('\ntcp/').slice(1);
    expect(tables).toHaveLength(2);
    // lab/suspect is quarantined (security tier denies it); frontend reaches api on 8080 only.
    expect(tables[0]).toContain('  lab/suspect    . D D');
    expect(tables[0]).toContain('  shop/frontend  A A .');
    expect(tables[1]).toContain('  shop/frontend  A D .');
  });
});

describe('text on a terminal', () => {
  const files = ['cluster.yaml', 'policy.yaml'].map((name) => join(K8S, name));
  const model = loadModel(files.map((file) => ({ file, bytes: readFileSync(file) })));
  const result = matrixVerdicts(buildTierPlan(model.policySet, model.inventory), { probes: defaultProbes(model.policySet).probes });

  it('uses ✓ ✗ · and, when colour is on, green and red', () => {
    expect(renderText(result, { unicode: true, color: false })).toContain('  store/other  ✓ ✓ ✗ ·\n');
    const coloured = renderText(result, { unicode: true, color: true });
    expect(coloured).toContain('\u001b[32m✓\u001b[0m');
    expect(coloured).toContain('\u001b[1;31m✗\u001b[0m');
    expect(coloured).toContain('rows are sources, columns destinations: ✓ allow, ✗ deny, · no flow');
  });
});

describe('calpol matrix: md', () => {
  it('a markdown table per port with ✓ ✗ ·', async () => {
    const result = await runCli(['matrix', K8S, '--format', 'md']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('## tcp/5432');
    expect(result.stdout).toContain('| from \\\\ to | ops/backup | store/api | store/db | store/other |\n|---|:-:|:-:|:-:|:-:|\n');
    expect(result.stdout).toContain('| **store/other** | ✓ | ✓ | ✗ | · |');
  });
});

describe('calpol matrix: csv', () => {
  it('one line per cell with the deciding fact, quoted where needed', async () => {
    const result = await runCli(['matrix', K8S, '--format', 'csv']);
    const lines = result.stdout.split('\r\n');
    expect(lines[0]).toBe('src,dst,protocol,port,verdict,decided_by');
    expect(lines).toHaveLength(1 + 12 + 1);
    expect(lines).toContain('store/other,store/db,tcp,5432,deny,ingress to store/db: end of tier default: Deny (no policy in the tier allowed or passed it)');
    const fromApi = lines.find((line) => line.startsWith('store/api,store/db,'));
    expect(fromApi).toMatch(/^store\/api,store\/db,tcp,5432,allow,"ingress to store\/db: tier default, KubernetesNetworkPolicy store\/db-from-api: ingress rule 0 \(Allow\) at examples\/k8s-isolation\/policy\.yaml:\d+:\d+ matched: .*""api"".*"$/);
  });

  it('ICMP cells have an empty port', async () => {
    const result = await runCli(['matrix', K8S, '--format', 'csv', '--port', 'icmp', '--from', "app == 'other'", '--to', "app == 'db'"]);
    expect(result.stdout.split('\r\n')[1]).toMatch(/^store\/other,store\/db,icmp,,deny,/);
  });
});

describe('calpol matrix: json', () => {
  it('ports, endpoints and cells with verdict, deciding policy and fact', async () => {
    const matrix = await json([K8S]);
    expect(matrix.ports).toEqual([{ protocol: 'tcp', port: 5432, label: 'tcp/5432' }]);
    expect(matrix.endpoints.map((e) => e.name)).toEqual(['ops/backup', 'store/api', 'store/db', 'store/other']);
    expect(matrix.cells).toHaveLength(12);
    const backup = matrix.cells.find((c) => c.src === 'ops/backup' && c.dst === 'store/db');
    expect(backup).toMatchObject({ protocol: 'tcp', port: 5432, ipVersion: 4, verdict: 'allow' });
    expect(backup?.policy).toMatchObject({ tier: 'default', kind: 'KubernetesNetworkPolicy', namespace: 'store', name: 'db-from-api', direction: 'ingress', rule: 1, action: 'Allow' });
    expect(backup?.policy?.location).toMatch(/^examples\/k8s-isolation\/policy\.yaml:\d+:\d+$/);
    const denied = matrix.cells.find((c) => c.src === 'store/other' && c.dst === 'store/db');
    expect(denied?.policy).toEqual({ tier: 'default', kind: 'Tier', name: 'default', direction: 'ingress', action: 'Deny', location: '<built-in>' });
    const open = matrix.cells.find((c) => c.src === 'store/db' && c.dst === 'store/api');
    expect(open?.policy).toMatchObject({ kind: 'Profile', name: 'kns.store', rule: 0, action: 'Allow' });
  });

  it('--from and --to select rows and columns by label; the endpoint itself is never a cell', async () => {
    const matrix = await json([K8S, '--from', "projectcalico.org/namespace == 'store'", '--to', "app in {'db', 'api'}"]);
    expect(matrix.sources).toEqual(['store/api', 'store/db', 'store/other']);
    expect(matrix.destinations).toEqual(['store/api', 'store/db']);
    expect(matrix.endpoints.map((e) => e.name)).toEqual(['store/api', 'store/db', 'store/other']);
    expect(matrix.cells.map((c) => `${c.src}>${c.dst}`)).toEqual(['store/api>store/db', 'store/db>store/api', 'store/other>store/api', 'store/other>store/db']);
  });

  it('namespace labels reach selectors as pcns.*', async () => {
    const matrix = await json([K8S, '--from', "pcns.team == 'ops'"]);
    expect(matrix.sources).toEqual(['ops/backup']);
  });

  it('--ip-version 6 skips endpoints without an IPv6 address; icmp is IPv4 and icmpv6 IPv6', async () => {
    const v6 = await json([K8S, '--ip-version', '6']);
    expect(new Set(v6.cells.map((c) => c.ipVersion))).toEqual(new Set([6]));
    expect(v6.cells.some((c) => c.src === 'ops/backup' || c.dst === 'ops/backup')).toBe(false);
    expect(v6.cells).toHaveLength(6);
    const icmp = await json([K8S, '--port', 'icmp,icmpv6']);
    expect(icmp.cells.filter((c) => c.protocol === 'icmp')).toHaveLength(12);
    expect(icmp.cells.filter((c) => c.protocol === 'icmpv6')).toHaveLength(6);
    expect(icmp.cells.find((c) => c.protocol === 'icmp' && c.src === 'store/other' && c.dst === 'store/db')?.verdict).toBe('deny');
  });
});

describe('calpol matrix: output file and errors', () => {
  it('-o writes the file (and nothing to stdout), whole: no temporary is left behind', async () => {
    const file = join(scratch, 'matrix.html');
    const result = await runCli(['matrix', K8S, '--format', 'html', '-o', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(readdirSync(scratch)).toEqual(['matrix.html']);
  });

  it('text written to a file is ASCII', async () => {
    const file = join(scratch, 'matrix.txt');
    await runCli(['matrix', K8S, '-o', file]);
    expect(readFileSync(file, 'utf8')).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it.each([
    [['--port', 'tcp/99999'], /port must be 1-65535/],
    [['--port', 'http'], /expected tcp\/PORT/],
    [['--format', 'pdf'], /expected one of text, md, csv, json, html/],
    [['--ip-version', '5'], /expected one of 4, 6/],
    [['--from', "app == 'x"], /--from: .*\n.*\n\s*\^/],
  ])('usage error %j exits 2 with a message and no output', async (args, message) => {
    const result = await runCli(['matrix', K8S, ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('a missing input exits 2', async () => {
    const result = await runCli(['matrix', 'examples/no-such-dir']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot read');
  });

  it('an unwritable output exits 2 and leaves nothing', async () => {
    const file = join(scratch, 'missing-dir', 'm.json');
    const result = await runCli(['matrix', K8S, '--format', 'json', '-o', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot write');
    expect(existsSync(join(scratch, 'missing-dir'))).toBe(false);
  });

  it('an empty selection is reported on stderr and still exits 0', async () => {
    const result = await runCli(['matrix', K8S, '--from', "app == 'nothing'"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('matrix is empty');
    expect(result.stdout).toContain('no endpoint with an address matches the selection');
  });
});
