import { didYouMean, hasLoneSurrogate, report, type Diagnostic, type LineIndex, type Span } from '../../diag/index.js';
import type { TextSegment } from '../resources.js';
import { invalidType, missingField, unknownField } from '../rules/index.js';
import { describeNode, isNull, type MapNode, type ScalarNode, type YNode } from './nodes.js';
import { SpanRecorder } from './spans.js';
import { textSegments } from './text-map.js';
import type { FieldType, ObjectSchema } from './types.js';

/** What decoding needs to turn offsets into spans and to report. */
export interface DecodeContext {
  file: string;
  text: string;
  lines: LineIndex;
  diagnostics: Diagnostic[];
  /**
   * Pointer strings shared between resources (every pod has `/metadata/name`): parent
   * pointer → key → child pointer. Optional; without it pointers are built afresh.
   */
  pointers?: Map<string, Map<string | number | symbol, string>>;
}

/** Where the decoded values came from, keyed by JSON pointer (see resources.ts). */
export interface DecodedPositions {
  spans: SpanRecorder;
  textMaps: Record<string, TextSegment[]>;
  /**
   * False: record nothing (no pointers built either). For resources whose positions are
   * read again on demand (see load.ts): a 50k-pod inventory needs almost none of them.
   */
  recording: boolean;
}

export function newPositions(recording = true): DecodedPositions {
  return { spans: new SpanRecorder(), textMaps: {}, recording };
}

const KEY_OF = Symbol('key');

/** A JSON pointer one level down (RFC 6901 escaping: `~` → `~0`, `/` → `~1`). */
export function childPointer(pointer: string, key: string | number, cache?: DecodeContext['pointers']): string {
  return cached(pointer, key, cache, () =>
    typeof key === 'number' || (key.indexOf('~') < 0 && key.indexOf('/') < 0)
      ? `${pointer}/${key}`
      : `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
  );
}

/** Where the span of the mapping key of the value at `pointer` is kept: `<pointer>#key`. */
export function keyPointer(pointer: string, cache?: DecodeContext['pointers']): string {
  return cached(pointer, KEY_OF, cache, () => `${pointer}#key`);
}

function cached(pointer: string, key: string | number | symbol, cache: DecodeContext['pointers'], build: () => string): string {
  if (!cache) return build();
  let children = cache.get(pointer);
  if (!children) cache.set(pointer, (children = new Map()));
  let child = children.get(key);
  if (child === undefined) children.set(key, (child = build()));
  return child;
}

/** Offset and length of a node's text, without the trailing blanks a block collection's range includes. */
function trimmedLength(ctx: DecodeContext, node: { start: number; end: number }): number {
  let end = node.end;
  while (end > node.start && isBlank(ctx.text.charCodeAt(end - 1))) end--;
  return end - node.start;
}

export function nodeSpan(ctx: DecodeContext, node: { start: number; end: number }): Span {
  return ctx.lines.span(ctx.file, node.start, trimmedLength(ctx, node));
}

export function recordSpan(ctx: DecodeContext, out: DecodedPositions, pointer: string, node: { start: number; end: number }): void {
  if (out.recording) out.spans.record(pointer, node.start, trimmedLength(ctx, node));
}

function isBlank(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

const EXPECTED: Record<FieldType['type'], string> = {
  string: 'a string',
  selector: 'a string (a selector)',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean (true or false)',
  protocol: 'a protocol name or number',
  intOrString: 'a number or a string',
  stringMap: 'a mapping of strings',
  list: 'a list',
  object: 'a mapping',
  any: 'a value',
  ignored: 'a value',
};

function typeError(ctx: DecodeContext, node: YNode, expected: string): undefined {
  ctx.diagnostics.push(report(invalidType, 'expected', nodeSpan(ctx, node), { expected, actual: describeNode(node) }, misplacedRuleHelp(node, expected)));
  return undefined;
}

/**
 * A rule where a string was expected is most often a rule written under `types:` (the
 * `ingress:` or `egress:` line above it forgotten): say so.
 */
function misplacedRuleHelp(node: YNode, expected: string): { help?: string } {
  if (expected !== EXPECTED.string || node.kind !== 'map' || !node.keys.some((key) => key.value === 'action')) return {};
  return { help: 'this looks like a rule: is the "ingress:" or "egress:" line above it missing?' };
}

/**
 * Decodes one node as `type`, recording spans under `pointer`. Returns undefined for an
 * absent value (null counts as absent, as in Go's JSON decoding) or a value of the wrong
 * type (after reporting it), so the caller leaves the field out and the typed shape holds.
 */
export function decodeValue(node: YNode | undefined, type: FieldType, pointer: string, ctx: DecodeContext, out: DecodedPositions): unknown {
  if (node === undefined || type.type === 'ignored' || isNull(node)) return undefined;
  recordSpan(ctx, out, pointer, node);
  switch (type.type) {
    case 'object':
      return node.kind === 'map' ? decodeObject(node, type.schema, pointer, ctx, out) : typeError(ctx, node, EXPECTED.object);
    case 'list':
      return node.kind === 'seq' ? decodeList(node.items, type.items, pointer, ctx, out) : typeError(ctx, node, EXPECTED.list);
    case 'stringMap':
      return node.kind === 'map' ? decodeStringMap(node, pointer, ctx, out) : typeError(ctx, node, EXPECTED.stringMap);
    case 'any':
      return toPlain(node);
    default:
      return node.kind === 'scalar' ? decodeScalar(node, type, pointer, ctx, out) : typeError(ctx, node, EXPECTED[type.type]);
  }
}

function decodeScalar(node: ScalarNode, type: FieldType, pointer: string, ctx: DecodeContext, out: DecodedPositions): unknown {
  const value = node.value;
  switch (type.type) {
    case 'string':
      return typeof value === 'string' ? wellFormed(value, node, ctx) : typeError(ctx, node, EXPECTED.string);
    case 'selector':
      if (typeof value !== 'string') return typeError(ctx, node, EXPECTED.selector);
      recordTextMap(node, value, pointer, ctx, out);
      return wellFormed(value, node, ctx);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : typeError(ctx, node, EXPECTED.number);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? value : typeError(ctx, node, EXPECTED.integer);
    case 'boolean':
      return typeof value === 'boolean' ? value : typeError(ctx, node, EXPECTED.boolean);
    case 'protocol':
      return decodeProtocol(node, ctx);
    case 'intOrString':
      if (typeof value === 'string') return wellFormed(value, node, ctx);
      return typeof value === 'number' && Number.isFinite(value) ? value : typeError(ctx, node, EXPECTED.intOrString);
    default:
      return typeError(ctx, node, EXPECTED[type.type]);
  }
}

/**
 * A string with a lone surrogate (a `\ud800` escape in YAML or JSON) is no text: two
 * different ones would turn into the same bytes wherever calpol writes or hashes them.
 * Reported as a wrong type, so the resource is left out whole.
 */
function wellFormed(value: string, node: ScalarNode, ctx: DecodeContext): string | undefined {
  if (!hasLoneSurrogate(value)) return value;
  const code = [...value].find((c) => hasLoneSurrogate(c))?.charCodeAt(0) ?? 0;
  ctx.diagnostics.push(report(invalidType, 'loneSurrogate', nodeSpan(ctx, node), { code: `U+${code.toString(16).toUpperCase()}` }));
  return undefined;
}

/** Upstream's Uint8OrString: a string that parses as an 8-bit unsigned number is that number. */
function decodeProtocol(node: ScalarNode, ctx: DecodeContext): unknown {
  const value = node.value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') return typeError(ctx, node, EXPECTED.protocol);
  if (/^\d+$/.test(value) && Number(value) <= 255) return Number(value);
  return wellFormed(value, node, ctx);
}

function recordTextMap(node: ScalarNode, value: string, pointer: string, ctx: DecodeContext, out: DecodedPositions): void {
  if (!out.recording) return;
  const segments = textSegments(ctx.text, node.start, node.end, node.style, value, ctx.lines);
  if (segments) out.textMaps[pointer] = segments;
}

function decodeList(items: readonly YNode[], itemType: FieldType, pointer: string, ctx: DecodeContext, out: DecodedPositions): unknown[] {
  const result: unknown[] = [];
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as YNode;
    const itemPointer = out.recording ? childPointer(pointer, index, ctx.pointers) : '';
    if (isNull(item)) {
      // A null list item is not "absent": upstream cannot decode it either.
      recordSpan(ctx, out, itemPointer, item);
      typeError(ctx, item, EXPECTED[itemType.type]);
      continue;
    }
    const value = decodeValue(item, itemType, itemPointer, ctx, out);
    if (value !== undefined) result.push(value);
  }
  return result;
}

export function decodeObject(node: MapNode, schema: ObjectSchema, pointer: string, ctx: DecodeContext, out: DecodedPositions): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const given = new Set<string>();
  for (let i = 0; i < node.keys.length; i++) {
    const keyNode = node.keys[i] as ScalarNode;
    const key = String(keyNode.value);
    const field = Object.hasOwn(schema.fields, key) ? schema.fields[key] : undefined;
    if (!field) {
      if (!schema.open) reportUnknownField(key, keyNode, schema, ctx);
      continue;
    }
    const fieldPointer = out.recording ? childPointer(pointer, key, ctx.pointers) : '';
    if (out.recording) recordSpan(ctx, out, keyPointer(fieldPointer, ctx.pointers), keyNode);
    const valueNode = node.values[i] as YNode;
    // `field: null` (or `field:`) counts as absent, as in Go's JSON decoding.
    if (!isNull(valueNode)) given.add(key);
    const value = decodeValue(valueNode, field, fieldPointer, ctx, out);
    if (value !== undefined) result[key] = value;
  }
  for (const name of schema.required ?? []) {
    if (!given.has(name)) {
      ctx.diagnostics.push(report(missingField, 'missing', nodeSpan(ctx, node), { field: name, object: schema.name }));
    }
  }
  return result;
}

function reportUnknownField(key: string, keyNode: ScalarNode, schema: ObjectSchema, ctx: DecodeContext): void {
  const suggestion = didYouMean(key, Object.keys(schema.fields));
  const span = nodeSpan(ctx, keyNode);
  ctx.diagnostics.push(
    suggestion
      ? report(unknownField, 'unknownWithSuggestion', span, { field: key, suggestion })
      : report(unknownField, 'unknown', span, { field: key }),
  );
}

function decodeStringMap(node: MapNode, pointer: string, ctx: DecodeContext, out: DecodedPositions): Record<string, string> {
  const result: Record<string, string> = {};
  for (let i = 0; i < node.keys.length; i++) {
    const keyNode = node.keys[i] as ScalarNode;
    const key = String(keyNode.value);
    const valueNode = node.values[i] as YNode;
    const entryPointer = out.recording ? childPointer(pointer, key, ctx.pointers) : '';
    if (out.recording) recordSpan(ctx, out, keyPointer(entryPointer, ctx.pointers), keyNode);
    if (isNull(valueNode)) {
      // Go's JSON decoding stores a null map value as "": so does calpol.
      recordSpan(ctx, out, entryPointer, valueNode);
      result[key] = '';
      continue;
    }
    const value = decodeValue(valueNode, { type: 'string' }, entryPointer, ctx, out);
    if (typeof value === 'string') result[key] = value;
  }
  return result;
}

/** Plain data for `any` fields. */
function toPlain(node: YNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(toPlain);
  const result: Record<string, unknown> = {};
  node.keys.forEach((key, i) => {
    result[String(key.value)] = toPlain(node.values[i] as YNode);
  });
  return result;
}
