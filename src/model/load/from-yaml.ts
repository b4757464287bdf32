import { isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Document, type Node, type Pair } from 'yaml';
import { report, type Diagnostic, type LineIndex } from '../../diag/index.js';
import { invalidType, yamlSyntax } from '../rules/index.js';
import { describeNode, nodeSpan, nullNode, scalarNode, type MapNode, type ScalarNode, type ScalarStyle, type YNode } from '../schema/index.js';

/**
 * Alias limits per document. Aliases are expanded here, so a few nested ones ("billion
 * laughs") would otherwise expand exponentially; real manifests use a handful.
 */
export const MAX_ALIAS_EXPANSIONS = 1000;
export const MAX_ALIASED_NODES = 100_000;

interface Conversion {
  file: string;
  text: string;
  lines: LineIndex;
  doc: Document.Parsed;
  diagnostics: Diagnostic[];
  expansions: number;
  aliasedNodes: number;
  /** > 0 while converting the target of an alias. */
  aliasDepth: number;
  exceeded: boolean;
  /** An error was reported: the document is skipped. */
  failed: boolean;
}

/**
 * The `yaml` package's document → the decoder's plain tree, with aliases and `<<` merge keys
 * expanded. Undefined when the alias limits were exceeded or an alias has no anchor (reported).
 */
export function fromYamlDocument(doc: Document.Parsed, file: string, text: string, lines: LineIndex, diagnostics: Diagnostic[]): YNode | undefined {
  const conversion: Conversion = { file, text, lines, doc, diagnostics, expansions: 0, aliasedNodes: 0, aliasDepth: 0, exceeded: false, failed: false };
  const root = convert(doc.contents, conversion, 0);
  return conversion.exceeded || conversion.failed ? undefined : root;
}

function convert(raw: unknown, c: Conversion, at: number): YNode {
  if (isAlias(raw)) return convertAlias(raw, c, at);
  const node = raw as Node | null | undefined;
  if (c.aliasDepth > 0 && ++c.aliasedNodes > MAX_ALIASED_NODES) return exceed(c, node, at);
  if (node === null || node === undefined) return nullNode(at);
  const [start, end] = node.range ?? [at, at];
  if (isScalar(node)) return scalarNode(scalarValue(node.value), (node.type ?? 'PLAIN') as ScalarStyle, start, end);
  if (isSeq(node)) {
    const items = node.items.map((item) => (isPair(item) ? pairAsMap(item, c, start) : convert(item, c, start)));
    return { kind: 'seq', start, end: blockEnd(node.flow, items, end), items };
  }
  if (isMap(node)) {
    const map = convertMap(node.items as Pair[], c, start, end);
    map.end = blockEnd(node.flow, map.values, end);
    return map;
  }
  return nullNode(start);
}

/**
 * A block collection ends with its last value. (The `yaml` package's range also takes in a
 * trailing comment; the fast readers do not, and spans should not depend on the reader.)
 */
function blockEnd(flow: boolean | undefined, children: readonly YNode[], end: number): number {
  const last = children[children.length - 1];
  return flow || !last ? end : last.end;
}

function convertAlias(alias: Alias, c: Conversion, at: number): YNode {
  if (++c.expansions > MAX_ALIAS_EXPANSIONS || c.exceeded) return exceed(c, alias, at);
  const target = alias.resolve(c.doc);
  if (target === undefined) {
    // Anchors belong to their document; the `yaml` package leaves this to its toJS().
    c.failed = true;
    const [start, end] = alias.range ?? [at, at];
    c.diagnostics.push(report(yamlSyntax, 'syntax', nodeSpan(c, { start, end }), { message: `Unresolved alias (no anchor &${alias.source} before it in this document)` }));
    return nullNode(at);
  }
  c.aliasDepth++;
  try {
    return convert(target, c, at);
  } finally {
    c.aliasDepth--;
  }
}

function exceed(c: Conversion, node: Node | null | undefined, at: number): YNode {
  if (!c.exceeded) {
    c.exceeded = true;
    const span = node?.range ? nodeSpan(c, { start: node.range[0], end: node.range[1] }) : c.lines.span(c.file, at, 0);
    c.diagnostics.push(report(yamlSyntax, 'tooManyAliases', span, { limit: MAX_ALIAS_EXPANSIONS }));
  }
  return nullNode(at);
}

function scalarValue(value: unknown): ScalarNode['value'] {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return value === null || value === undefined ? null : String(value);
}

/** A `[a: b]` entry in a flow sequence is a one-entry mapping. */
function pairAsMap(pair: Pair, c: Conversion, at: number): YNode {
  const start = (pair.key as Node | null)?.range?.[0] ?? at;
  return convertMap([pair], c, start, start);
}

/** Keys must be scalars (as in JSON); explicit keys win over merged ones, earlier merges over later. */
function convertMap(pairs: readonly Pair[], c: Conversion, start: number, end: number): MapNode {
  const map: MapNode = { kind: 'map', start, end, keys: [], values: [] };
  const seen = new Set<string>();
  const merged: [ScalarNode, YNode][] = [];
  for (const pair of pairs) {
    const key = convert(pair.key, c, start);
    if (key.kind !== 'scalar' || key.value === null) {
      c.diagnostics.push(report(invalidType, 'complexKey', nodeSpan(c, key), { actual: describeNode(key) }));
      continue;
    }
    const value = convert(pair.value, c, key.end);
    if (key.value === '<<' && key.style === 'PLAIN') {
      merged.push(...mergeEntries(value));
      continue;
    }
    seen.add(String(key.value));
    map.keys.push(key);
    map.values.push(value);
  }
  for (const [key, value] of merged) {
    if (seen.has(String(key.value))) continue;
    seen.add(String(key.value));
    map.keys.push(key);
    map.values.push(value);
  }
  return map;
}

function mergeEntries(source: YNode): [ScalarNode, YNode][] {
  if (source.kind === 'map') return source.keys.map((key, i) => [key, source.values[i] as YNode]);
  if (source.kind === 'seq') return source.items.flatMap(mergeEntries);
  return [];
}
