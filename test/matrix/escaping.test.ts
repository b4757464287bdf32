import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decidingFact, RuleLookup } from '../../src/explain/index.js';
import {
  cellFlow,
  cellPolicy,
  cellTrace,
  csvField,
  escapeHtml,
  matrixVerdicts,
  parseProbes,
  renderCsv,
  renderHtml,
  renderMarkdown,
  renderText,
  type CellNotes,
  type MatrixResult,
} from '../../src/matrix/index.js';
import { normalize, type Resource } from '../../src/model/index.js';
import { parseSelector } from '../../src/selector/index.js';
import { buildTierPlan } from '../../src/tiers/index.js';
import { runCli } from '../helpers/cli.js';

/** Tags and attributes the page itself writes: anything else would have come from the input. */
const OUR_TAGS = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'p', 'ul', 'li', 'span', 'section', 'div', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'script']);
const OUR_ATTRIBUTES = new Set(['lang', 'charset', 'http-equiv', 'content', 'name', 'class', 'id', 'scope', 'title', 'data-verdict', 'role', 'aria-live']);

/** Checks the page's structure: only our tags and attributes, one script (ours), every attribute value quoted. */
function expectOnlyOurMarkup(html: string): void {
  const body = html.replace(/<script>[\s\S]*?<\/script>/, '<script></script>').replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  expect(html.match(/<script/gi)).toHaveLength(1);
  for (const [, tag, attributes] of body.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
    expect(OUR_TAGS, `tag <${tag}>`).toContain(tag!.toLowerCase());
    const rest = attributes!.replace(/\s([a-z-]+)="[^"]*"/g, (_, name: string) => {
      expect(OUR_ATTRIBUTES, `attribute ${name} on <${tag}>`).toContain(name);
      return '';
    });
    expect(rest.trim(), `unquoted attribute text on <${tag}>`).toBe('');
  }
}

const HOSTILE = `<img src=x onerror=alert(1)>"'&`;
let offset = 0;
function resource(apiVersion: string, kind: string, metadata: object, spec: object, extra: object = {}): Resource {
  offset += 10;
  const span = { file: `dir/"<b>.yaml`, line: offset, column: 1, endLine: offset, endColumn: 2, offset, length: 1 };
  return { apiVersion, kind, metadata, spec, span, spans: {}, ...extra } as unknown as Resource;
}

/** A cluster whose names, labels and file name are all hostile (as if validation had let them through). */
function hostileMatrix(): { result: MatrixResult; notes: CellNotes } {
  const namespace = `ns"><script>alert(2)</script>`;
  const resources = [
    resource('v1', 'Namespace', { name: namespace, labels: { team: HOSTILE } }, {}),
    resource('v1', 'Pod', { name: `pod,${HOSTILE}\nx`, namespace, labels: { app: HOSTILE } }, { nodeName: 'n' }, { status: { podIP: '10.0.0.1' } }),
    resource('v1', 'Pod', { name: 'plain', namespace, labels: { app: 'plain' } }, { nodeName: 'n' }, { status: { podIP: '10.0.0.2' } }),
    resource('projectcalico.org/v3', 'GlobalNetworkPolicy', { name: `gnp-${HOSTILE}` }, {
      selector: 'all()',
      ingress: [{ action: 'Allow', source: { selector: `app == '${HOSTILE.replace(/'/g, '')}' || pcns.team == "${HOSTILE.replace(/"/g, '')}"` } }],
    }),
  ];
  const normalized = normalize(resources);
  const plan = buildTierPlan(normalized.policySet, normalized.inventory);
  const probes = parseProbes('tcp/80');
  if (!probes.ok) throw new Error(probes.error);
  const result = matrixVerdicts(plan, { probes: probes.probes });
  const lookup = new RuleLookup(plan.policySet);
  const notes: CellNotes = (cell) => ({ fact: decidingFact(cellTrace(result, cell), cellFlow(result, cell), lookup), policy: cellPolicy(cell) });
  return { result, notes };
}

describe('user-controlled strings are escaped in every format', () => {
  const { result, notes } = hostileMatrix();

  it('the hostile names reach the matrix (the test means something)', () => {
    expect(result.endpoints.map((e) => e.name)).toContain(`ns"><script>alert(2)</script>/pod,${HOSTILE}\nx`);
    expect(result.cells.map((cell) => notes(cell).fact).join('\n')).toContain('<img src=x onerror=alert(1)>');
  });

  it('html: only the page\'s own tags and attributes; names, facts, policies and selectors escaped', () => {
    const html = renderHtml(result, notes, { from: `app != '${HOSTILE}'`, to: '</code><script>alert(3)</script>' });
    expectOnlyOurMarkup(html);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    expect(html).toContain('&lt;/code&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
    expect(html).not.toContain('<img');
  });

  it('escapeHtml covers the five characters that matter', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('markdown: no raw HTML, no column breaks, no line breaks inside a row', () => {
    const md = renderMarkdown(result);
    expect(md).not.toMatch(/<img|<script/);
    for (const line of md.split('\n').filter((l) => l.startsWith('| **'))) {
      expect(line.replace(/\\\|/g, '').split('|')).toHaveLength(2 + result.destinations.length + 1);
    }
  });

  it('csv: commas, quotes and line breaks are quoted, so every record has six fields', () => {
    const csv = renderCsv(result, notes);
    expect(csvField('a,"b"\nc')).toBe('"a,""b""\nc"');
    const records = csv.split('\r\n').filter((line) => line !== '');
    expect(records).toHaveLength(1 + result.cells.length);
    for (const record of records.slice(1)) {
      const fields = record.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.filter((f) => f !== '') ?? [];
      expect(fields).toHaveLength(6);
    }
  });

  it('text: control characters in a name are shown escaped, so a name cannot forge a row', () => {
    const text = renderText(result, { unicode: false, color: false });
    expect(text).toContain('/pod,<img src=x onerror=alert(1)>"\'&\\nx');
    const rows = text.split('\n').filter((line) => /^  \S.* [.AD]( [.AD])*$/.test(line));
    expect(rows).toHaveLength(result.sources.length);
  });
});

describe('escaping through the CLI, with input that validation accepts', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'calpol-matrix-escape-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('selectors with markup in their string literals are escaped in titles and in the header', async () => {
    const file = join(scratch, 'hostile.yaml');
    writeFileSync(
      file,
      `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: odd-selector}
spec:
  selector: app == 'db'
  ingress:
    - action: Allow
      source:
        selector: app == 'api' || app == '<script>alert(1)</script>'
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop, labels: {app: api}}
spec: {nodeName: node-1}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {nodeName: node-1}
status: {podIP: 10.0.0.2}
`,
    );
    expect(parseSelector("app == '<script>alert(1)</script>'").ok).toBe(true);
    const result = await runCli(['matrix', file, '--format', 'html', '--from', `app != '"><img src=x>'`]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expectOnlyOurMarkup(result.stdout);
    expect(result.stdout).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(result.stdout).toContain('&quot;&gt;&lt;img src=x&gt;');
  });
});
