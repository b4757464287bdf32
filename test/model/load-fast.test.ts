import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diag/index.js';
import { parseYamlFile } from '../../src/model/load/index.js';
import { isNull, type YNode } from '../../src/model/schema/index.js';
import { repoRoot } from '../helpers/cli.js';

/**
 * The fast readers (fast-yaml.ts, fast-json.ts) must build exactly the tree the `yaml`
 * package path builds, or give up. Every input here is read both ways and compared.
 */

/** A comparable form of a tree: kinds, values, styles and (blank-trimmed) source ranges. */
function shape(node: YNode, text: string): unknown {
  let end = node.end;
  while (end > node.start && /\s/.test(text[end - 1] as string)) end--;
  const range = `${node.start}-${end}`;
  if (node.kind === 'scalar') return node.value === null ? ['null'] : ['scalar', node.value, node.style, range];
  if (node.kind === 'seq') return ['seq', range, node.items.map((item) => shape(item, text))];
  return ['map', range, node.keys.map((key, i) => [shape(key, text), shape(node.values[i] as YNode, text)])];
}

function readBoth(text: string): { fast: unknown; slow: unknown; fastUsed: boolean; slowErrors: Diagnostic[] } {
  const fastDiagnostics: Diagnostic[] = [];
  const slowErrors: Diagnostic[] = [];
  const fast = parseYamlFile('x.yaml', text, fastDiagnostics);
  const slow = parseYamlFile('x.yaml', text, slowErrors, { fast: false });
  const fastUsed = fastDiagnostics.length === 0 && slowErrors.length === 0;
  return {
    // Empty documents are skipped by the loader either way.
    fast: fast.documents.filter((doc) => !isNull(doc)).map((doc) => shape(doc, text)),
    slow: slow.documents.filter((doc) => !isNull(doc)).map((doc) => shape(doc, text)),
    fastUsed,
    slowErrors: slowErrors.filter((d) => d.severity === 'error'),
  };
}

function expectSameTree(text: string): void {
  const { fast, slow, slowErrors } = readBoth(text);
  // Input the `yaml` package rejects must not have been accepted by a fast reader.
  if (slowErrors.length > 0) {
    const fastErrors: Diagnostic[] = [];
    parseYamlFile('x.yaml', text, fastErrors);
    expect(fastErrors.length, `fast reader accepted invalid YAML:\n${text}`).toBeGreaterThan(0);
    return;
  }
  expect(fast, text).toEqual(slow);
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.(ya?ml|json)$/.test(name) ? [path] : [];
  });
}

const SNIPPETS = [
  'a: 1\nb: two\nc: "three"\nd: \'four\'\n',
  'a:\n  - 1\n  - x: y\n    z: [1, "2", \'3\']\n  -\n  - - nested\n    - seq\n',
  'items:\n- a: 1\n  b: 2\n- c: 3\nafter: true\n',
  '---\na: 1\n---\n---\nb: 2\n...\n',
  '# only a comment\n',
  '',
  'a: 1 # trailing comment\nb: # empty\n  c: {x: 1, y: [a, b], z: {}}\n',
  'k: ~\nn: null\nt: True\nf: FALSE\ni: -12\no: 0o17\nh: 0x1F\nx: 1.5e3\ny: .inf\nz: .NaN\ns: 1.0\nv: 12abc\n',
  "sel: app == 'web' && tier in {\"a\", \"b\"}\nsel2: \"has(x) || y != 'z'\"\nsel3: 'it''s'\n",
  'a: "esc \\t \\" \\\\ \\u00e9 \\x41"\n',
  'a: b: c\n',
  'a:\n  b\n  c\n',
  'a: |\n  block\n',
  'a: &x 1\nb: *x\n',
  'a:\n\tb: 1\n',
  'a: 1\na: 2\n',
  'a: [1, 2\n',
  '  indented: root\n  second: key\n',
  'a: 1\r\nb:\r\n  - x\r\n',
  'list:\n  - name: http\n    containerPort: 8080\n  - name: "https"\n    containerPort: 8443\n',
  '{"apiVersion": "v1", "kind": "List", "items": [{"a": 1.5, "b": [true, false, null]}]}',
  '[1, 2, {"x": "y\\n"}]\n',
  '{"a": 1, "a": 2}',
  'key: value\n- item\n',
  'a:\n  - x\n b: 1\n',
  'a: [b, c]d\n',
  'a: "unterminated\n',
  "a: 'x'y\n",
  'a: -1\nb: - x\n',
  'url: http://example.com/x#frag\nport: "8000:8080"\n',
  'a: {b: c, b: d}\n',
  'a: [x, y, ]\nb: {c: 1, }\n',
];

describe('fast YAML and JSON readers agree with the yaml package', () => {
  it.each(SNIPPETS.map((text) => [JSON.stringify(text).slice(0, 60), text]))('%s', (_name, text) => {
    expectSameTree(text);
  });

  it('on every bundled example', () => {
    for (const file of yamlFiles(join(repoRoot, 'examples'))) expectSameTree(readFileSync(file, 'utf8'));
  });

  it('is actually used for ordinary manifests', () => {
    const text = readFileSync(join(repoRoot, 'examples/allow-tcp-6379/cluster.yaml'), 'utf8');
    expect(readBoth(text).fastUsed).toBe(true);
  });

  it('on generated JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue())), fc.constantFrom(0, 2, '\t'), (value, indent) => {
        expectSameTree(JSON.stringify(value, null, indent));
      }),
      { numRuns: 300 },
    );
  });

  it('on generated block documents', () => {
    const scalar = fc.oneof(
      fc.constantFrom('a', 'x y', '1', '-2', '0x1f', '1.5', 'true', 'null', '~', "'q'", '"d"', 'a#b', 'all()', "k == 'v'", '{}', '[]', '[1, b]'),
      fc.stringMatching(/^[a-z0-9 ._\/:-]{1,8}$/),
    );
    const key = fc.constantFrom('a', 'b', 'spec', 'x.y/z', 'k-1');
    const node: fc.Memo<string[]> = fc.memo((depth) =>
      depth <= 1
        ? scalar.map((s) => [s])
        : fc.oneof(
            scalar.map((s) => [s]),
            fc
              .uniqueArray(fc.tuple(key, node(depth - 1), fc.boolean()), { minLength: 1, maxLength: 3, selector: ([k]) => k })
              .map((entries) =>
                entries.flatMap(([k, v, flush]) => {
                  if (v.length === 1) return [`${k}: ${v[0]}`];
                  // A sequence may sit at its key's own indentation.
                  const indent = flush && v[0]?.startsWith('-') ? '' : '  ';
                  return [`${k}:`, ...v.map((line) => `${indent}${line}`)];
                }),
              ),
            fc.array(node(depth - 1), { minLength: 1, maxLength: 3 }).map((items) =>
              items.flatMap((v) => (v.length === 1 ? [`- ${v[0]}`] : [`-`, ...v.map((line) => `  ${line}`)])),
            ),
          ),
    );
    const noise = fc.constantFrom('', '# comment', '   ', '  # indented comment', '---');
    fc.assert(
      fc.property(node(4), fc.array(fc.tuple(fc.nat(), noise), { maxLength: 3 }), fc.boolean(), (lines, extra, crlf) => {
        const all = [...lines];
        for (const [at, line] of extra) all.splice(at % (all.length + 1), 0, line);
        expectSameTree(`${all.join(crlf ? '\r\n' : '\n')}\n`);
      }),
      { numRuns: 500 },
    );
  });
});
