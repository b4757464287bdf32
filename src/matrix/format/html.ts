import { policyLabel } from '../facts.js';
import type { MatrixCell, MatrixResult } from '../verdicts.js';
import { CellGrid, countsByProbe, NO_FLOW, sizeLine, type CellNotes } from './shared.js';

/** Escapes text for HTML element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export interface HtmlOptions {
  /** The `--from` / `--to` selectors as the user wrote them, shown in the header. */
  from?: string;
  to?: string;
}

const STYLE = `
:root { --allow: #1b7f3b; --allow-bg: #d4f2dc; --deny: #b3261e; --deny-bg: #fbd9d6; --none-bg: #f1f1f1; --line: #c9c9c9; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 0 4rem; color: #1d1d1d; background: #fff; }
header, section { padding: 0 1.5rem; }
h1 { font-size: 1.4rem; margin: 1.2rem 0 .3rem; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 .5rem; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
h2 .counts { font: normal .85rem system-ui, sans-serif; color: #555; margin-left: .6rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; background: #f4f4f4; padding: 0 .25rem; border-radius: 3px; }
.legend { display: flex; flex-wrap: wrap; gap: 1.2rem; list-style: none; padding: 0; margin: .6rem 0; }
.legend li { display: flex; align-items: center; gap: .4rem; }
.swatch { display: inline-block; width: 1.5rem; height: 1.5rem; line-height: 1.5rem; text-align: center; border: 1px solid var(--line); border-radius: 3px; font-weight: bold; }
.scroll { overflow: auto; max-height: 85vh; border: 1px solid var(--line); display: inline-block; max-width: 100%; }
table.grid { border-collapse: separate; border-spacing: 0; }
table.grid th, table.grid td { border-right: 1px solid var(--line); border-bottom: 1px solid var(--line); }
table.grid thead th { position: sticky; top: 0; background: #fafafa; z-index: 1; vertical-align: bottom; padding: .4rem .2rem; }
table.grid th.corner { left: 0; z-index: 3; text-align: left; font-weight: normal; color: #666; padding: .4rem .6rem; }
table.grid th.dst span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font-weight: 600; }
table.grid th.src { position: sticky; left: 0; background: #fafafa; z-index: 2; text-align: left; white-space: nowrap; padding: .15rem .6rem; font-weight: 600; }
table.grid td { width: 1.9rem; min-width: 1.9rem; height: 1.9rem; text-align: center; font-weight: bold; cursor: default; }
td.allow, .swatch.allow { background: var(--allow-bg); color: var(--allow); }
td.deny, .swatch.deny { background: var(--deny-bg); color: var(--deny); }
td.none, .swatch.none { background: var(--none-bg); color: #999; }
td.cell:hover, td.cell.pinned { outline: 2px solid #1d1d1d; outline-offset: -2px; }
#detail { position: fixed; left: 0; right: 0; bottom: 0; margin: 0; padding: .6rem 1.5rem; background: #222; color: #f5f5f5; white-space: pre-wrap; font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; min-height: 2.6rem; }
`;

/** Shows the hovered (or clicked, to pin it) cell's title in the panel at the bottom; text only, never HTML. */
const SCRIPT = `
(function () {
  var detail = document.getElementById('detail');
  var pinned = null;
  function show(cell) { detail.textContent = cell.getAttribute('title') || ''; }
  document.addEventListener('mouseover', function (event) {
    var cell = event.target.closest && event.target.closest('td.cell');
    if (cell && !pinned) show(cell);
  });
  document.addEventListener('click', function (event) {
    var cell = event.target.closest && event.target.closest('td.cell');
    if (pinned) pinned.classList.remove('pinned');
    pinned = cell && cell !== pinned ? cell : null;
    if (pinned) { pinned.classList.add('pinned'); show(pinned); }
  });
})();
`;

function cellTitle(result: MatrixResult, cell: MatrixCell, notes: CellNotes): string {
  const note = notes(cell);
  const probe = result.probes[cell.probe];
  const head = `${result.endpoints[cell.source]?.name} → ${result.endpoints[cell.destination]?.name} ${probe?.label} (IPv${cell.ipVersion}): ${cell.verdict.toUpperCase()}`;
  const policy = note.policy ? `\npolicy: ${policyLabel(note.policy)}` : '';
  return `${head}${policy}\ndecided by ${note.fact}`;
}

function gridTable(result: MatrixResult, grid: CellGrid, probeIndex: number, notes: CellNotes): string {
  const name = (position: number) => escapeHtml(result.endpoints[position]?.name ?? '');
  const head = result.destinations.map((d) => `<th scope="col" class="dst"><span>${name(d)}</span></th>`).join('');
  const rows = result.sources.map((source) => {
    const cells = result.destinations.map((destination) => {
      const cell = grid.get(probeIndex, source, destination);
      if (!cell) return `<td class="none" title="${escapeHtml(`${result.endpoints[source]?.name} → ${result.endpoints[destination]?.name}: ${NO_FLOW}`)}"></td>`;
      const symbol = cell.verdict === 'allow' ? '✓' : '✗';
      return `<td class="cell ${cell.verdict}" data-verdict="${cell.verdict}" title="${escapeHtml(cellTitle(result, cell, notes))}">${symbol}</td>`;
    });
    return `<tr><th scope="row" class="src">${name(source)}</th>${cells.join('')}</tr>`;
  });
  return `<div class="scroll"><table class="grid">\n<thead><tr><th scope="col" class="corner">from \\ to</th>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
}

function headerHtml(result: MatrixResult, options: HtmlOptions): string {
  const selection = [
    options.from !== undefined ? `sources: <code>${escapeHtml(options.from)}</code>` : '',
    options.to !== undefined ? `destinations: <code>${escapeHtml(options.to)}</code>` : '',
  ].filter((part) => part !== '');
  return [
    '<header>',
    '<h1>calpol matrix</h1>',
    `<p class="summary">${escapeHtml(sizeLine(result))}. Rows are sources, columns destinations.</p>`,
    selection.length > 0 ? `<p class="selection">${selection.join('; ')}</p>` : '',
    '<ul class="legend">',
    '<li><span class="swatch allow">✓</span> allow</li>',
    '<li><span class="swatch deny">✗</span> deny</li>',
    `<li><span class="swatch none"></span> ${escapeHtml(NO_FLOW)}</li>`,
    '</ul>',
    '<p class="hint">Hover a cell (or click it to pin it) to see the policy and rule that decided it.</p>',
    '</header>',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

/**
 * One self-contained page (inline CSS and script, no external resource; its Content
 * Security Policy forbids any load): a grid per port, a colour per verdict, and on each
 * cell a title with the deciding policy and fact. Every name and fact is escaped.
 */
export function renderHtml(result: MatrixResult, notes: CellNotes, options: HtmlOptions = {}): string {
  const grid = new CellGrid(result);
  const counts = countsByProbe(result);
  const sections = result.probes.map((probe, probeIndex) => {
    const count = counts[probeIndex] ?? { allow: 0, deny: 0 };
    const id = `port-${probe.label.replace(/[^a-z0-9]+/g, '-')}`;
    return [
      `<section class="port" id="${escapeHtml(id)}">`,
      `<h2>${escapeHtml(probe.label)}<span class="counts">${count.allow} allow, ${count.deny} deny</span></h2>`,
      gridTable(result, grid, probeIndex, notes),
      '</section>',
    ].join('\n');
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>calpol matrix</title>',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    headerHtml(result, options),
    ...sections,
    '<p id="detail" role="status" aria-live="polite">Hover a cell to see what decided it.</p>',
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
