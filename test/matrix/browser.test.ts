import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { countColour, decodePng } from './png.js';

/**
 * The HTML page in a real browser (headless Chromium, no network, a fresh profile):
 * the DOM it builds has the expected grids, cells, verdict classes and titles, and a
 * screenshot shows the verdict colours. Without Chromium the tests are skipped with a
 * notice (CI installs it: Debian's `chromium` package).
 */

const CANDIDATES = [process.env.CALPOL_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const chromium = CANDIDATES.find((path): path is string => path !== undefined && path !== '' && existsSync(path));
if (!chromium) {
  console.warn(
    'test/matrix/browser.test.ts: SKIPPED — no Chromium found (tried $CALPOL_CHROMIUM, /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome); install it with `apt-get install -y chromium` to run the HTML matrix in a browser',
  );
}

const scratch = mkdtempSync(join(tmpdir(), 'calpol-matrix-browser-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let profiles = 0;

function runChromium(page: string, mode: string[]): { stdout: string } {
  const profile = join(scratch, `profile-${profiles++}`);
  const result = spawnSync(
    chromium as string,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
      ...mode,
      `file://${page}`,
    ],
    { encoding: 'utf8', timeout: 90_000 },
  );
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`chromium exited ${result.status}: ${result.stderr}`);
  return { stdout: result.stdout };
}

const unescape = (text: string) =>
  text.replace(/&(quot|amp|lt|gt|#39|nbsp);/g, (_, name: string) => ({ quot: '"', amp: '&', lt: '<', gt: '>', '#39': "'", nbsp: '\u00a0' })[name] as string);

interface DomCell {
  verdict: string;
  title: string;
}

/** The grids of a dumped DOM: port label → its verdict cells, and how many no-flow cells it has. */
function gridsOf(dom: string): Map<string, { cells: DomCell[]; none: number; rows: number }> {
  const grids = new Map<string, { cells: DomCell[]; none: number; rows: number }>();
  for (const section of dom.split('<section class="port"').slice(1)) {
    const label = /<h2>([^<]*)</.exec(section)?.[1] ?? '';
    const cells = [...section.matchAll(/<td class="cell (allow|deny)" data-verdict="\1" title="([^"]*)">/g)].map((m) => ({ verdict: m[1]!, title: unescape(m[2]!) }));
    const none = [...section.matchAll(/<td class="none"/g)].length;
    const rows = [...section.matchAll(/<th scope="row" class="src">/g)].length;
    grids.set(label, { cells, none, rows });
  }
  return grids;
}

interface JsonCell {
  src: string;
  dst: string;
  protocol: string;
  port: number | null;
  verdict: string;
}

describe.skipIf(!chromium)('the HTML matrix in headless Chromium', () => {
  const inputs = ['examples/k8s-isolation', 'examples/tiers-with-pass', '--port', 'tcp/5432,tcp/8080,icmp'];
  const page = join(scratch, 'matrix.html');

  it('builds one grid per port with the cells, verdicts and titles of the JSON output', async () => {
    const html = await runCli(['matrix', ...inputs, '--format', 'html', '-o', page]);
    expect(html.code, html.stderr).toBe(0);
    const json = JSON.parse((await runCli(['matrix', ...inputs, '--format', 'json'])).stdout) as { cells: JsonCell[] };
    const dom = runChromium(page, ['--dump-dom']).stdout;
    expect(dom).toContain('<title>calpol matrix</title>');
    const grids = gridsOf(dom);
    expect([...grids.keys()]).toEqual(['tcp/5432', 'tcp/8080', 'icmp']);
    for (const [label, grid] of grids) {
      const expected = json.cells.filter((c) => (c.port === null ? c.protocol : `${c.protocol}/${c.port}`) === label);
      expect(grid.rows).toBe(7);
      expect(grid.cells.length + grid.none).toBe(7 * 7);
      expect(grid.cells.map((c) => c.verdict)).toEqual(expected.map((c) => c.verdict));
      grid.cells.forEach((cell, index) => {
        const { src, dst } = expected[index]!;
        expect(cell.title).toMatch(new RegExp(`^${src} → ${dst} ${label} \\(IPv4\\): ${cell.verdict.toUpperCase()}\\n`));
        expect(cell.title).toContain('\ndecided by ');
      });
    }
    const denied = grids.get('tcp/5432')!.cells[expected5432Index(json.cells, 'store/other', 'store/db')]!;
    expect(denied.title).toContain('policy: end of tier default (default action Deny), at <built-in>');
    expect(denied.title).toContain('decided by ingress to store/db: end of tier default: Deny');
  });

  it('shows the verdict colours (screenshot)', () => {
    const shot = join(scratch, 'matrix.png');
    runChromium(page, ['--window-size=1000,1400', `--screenshot=${shot}`]);
    const image = decodePng(readFileSync(shot));
    expect(image.width).toBe(1000);
    // One grid cell is about 30×30 pixels; the first two grids are fully on screen.
    expect(countColour(image, [0xd4, 0xf2, 0xdc])).toBeGreaterThan(20 * 400); // allow
    expect(countColour(image, [0xfb, 0xd9, 0xd6])).toBeGreaterThan(10 * 400); // deny
    expect(countColour(image, [0xf1, 0xf1, 0xf1])).toBeGreaterThan(5 * 400); // no flow
  });

  it('renders markup in user input as text: no element comes from the input', async () => {
    const policy = join(scratch, 'hostile.yaml');
    writeFileSync(
      policy,
      [
        "{apiVersion: projectcalico.org/v3, kind: GlobalNetworkPolicy, metadata: {name: odd}, spec: {selector: app == 'db', ingress: [{action: Allow, source: {selector: \"app == 'api' || app == '<img src=x onerror=document.title=1>'\"}}]}}",
        '---',
        '{apiVersion: v1, kind: Namespace, metadata: {name: shop}}',
        '---',
        '{apiVersion: v1, kind: Pod, metadata: {name: api, namespace: shop, labels: {app: api}}, spec: {nodeName: n1}, status: {podIP: 10.0.0.1}}',
        '---',
        '{apiVersion: v1, kind: Pod, metadata: {name: db, namespace: shop, labels: {app: db}}, spec: {nodeName: n1}, status: {podIP: 10.0.0.2}}',
        '',
      ].join('\n'),
    );
    const hostilePage = join(scratch, 'hostile.html');
    const result = await runCli(['matrix', policy, '--format', 'html', '--to', "app != '</code><script>document.title=2</script>'", '-o', hostilePage]);
    expect(result.code, result.stderr).toBe(0);
    const dom = runChromium(hostilePage, ['--dump-dom']).stdout;
    expect(dom).toContain('<title>calpol matrix</title>');
    expect(dom).not.toMatch(/<img/);
    expect(dom.match(/<script/g)).toHaveLength(1);
    const titles = [...gridsOf(dom).values()].flatMap((grid) => grid.cells.map((cell) => cell.title));
    expect(titles.some((title) => title.includes("<img src=x onerror=document.title=1>"))).toBe(true);
  });
});

function expected5432Index(cells: JsonCell[], src: string, dst: string): number {
  return cells.filter((c) => c.port === 5432).findIndex((c) => c.src === src && c.dst === dst);
}
