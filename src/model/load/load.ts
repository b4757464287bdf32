import { didYouMean, LineIndex, report, unreachable, type Diagnostic } from '../../diag/index.js';
import type { ObjectMeta, Resource } from '../resources.js';
import { invalidType, missingField, unknownKind, yamlSyntax } from '../rules/index.js';
import {
  decodeObject,
  describeNode,
  isNull,
  KIND_SCHEMAS,
  lazySpans,
  LIST_DOCUMENT,
  mapGet,
  newPositions,
  nodeSpan,
  recordSpan,
  spansOnDemand,
  type DecodeContext,
  type ObjectSchema,
  type SpanRecorder,
  type MapNode,
  type YNode,
} from '../schema/index.js';
import { decodeSource } from './decode.js';
import { classifyUnread, isListKind, KNOWN_KIND_NAMES, routeKind } from './kinds.js';
import type { NodeReader } from './fast-yaml.js';
import { parseYamlFile } from './yaml.js';

/** One input file as the CLI read it. */
export interface LoadSource {
  file: string;
  bytes: Uint8Array;
}

export interface LoadResult {
  resources: Resource[];
  diagnostics: Diagnostic[];
  /** List items left unread (LoadOptions.deferItem), each able to load itself later. */
  deferred?: DeferredItem[];
}

export interface LoadOptions {
  /**
   * Asked for each item of a `kind: List` read by the fast YAML reader, with the file's
   * text and the item's [start, end): true leaves it unread, in `deferred`.
   */
  deferItem?: (text: string, start: number, end: number) => boolean;
  /** Report policy kinds calpol does not enforce as warnings (skipped) instead of errors. */
  allowUnsupported?: boolean;
}

/** A list item left unread: its text, and how to read and decode it into a result after all. */
export interface DeferredItem {
  text: string;
  start: number;
  end: number;
  /** False when the fast reader cannot read the item alone (the caller must load the file whole). */
  load(into: LoadResult): boolean;
}

/**
 * Bytes → typed resources with positions. Every problem is a diagnostic. A returned
 * resource always has its kind's TypeScript shape: a document that cannot be read, or whose
 * decoding found a missing required field or a value of the wrong type, contributes
 * diagnostics but no resource (so validation and normalization never see half a resource).
 * Unknown fields do not break the shape: such a resource is returned, and validated, with
 * its unknown fields dropped. Callers must not compile anything from input with errors.
 */
export function loadResources(sources: readonly LoadSource[], options: LoadOptions = {}): LoadResult {
  const result: LoadResult = { resources: [], diagnostics: [] };
  const pointers: DecodeContext['pointers'] = new Map();
  for (const source of sources) {
    const decoded = decodeSource(source.file, source.bytes);
    if (!decoded.ok) {
      result.diagnostics.push(decoded.diagnostic);
      continue;
    }
    loadText(source.file, decoded.text, result, pointers, options);
  }
  return result;
}

/** Parses and decodes one file's text, appending to `result`. */
export function loadText(file: string, text: string, result: LoadResult, pointers: DecodeContext['pointers'] = new Map(), options: LoadOptions = {}): void {
  const lines = new LineIndex(text);
  const before = result.diagnostics.length;
  loadParsedText(file, text, lines, result, pointers, options);
  if (text.includes('{{')) explainTemplate(lines, result.diagnostics, before);
}

/**
 * Errors on a line holding `{{` get a hint: the file is a Go/Helm template, which only
 * becomes YAML once rendered; its placeholders read as flow mappings or odd strings.
 */
function explainTemplate(lines: LineIndex, diagnostics: Diagnostic[], from: number): void {
  for (let i = from; i < diagnostics.length; i++) {
    const diagnostic = diagnostics[i] as Diagnostic;
    if (diagnostic.severity !== 'error' || !diagnostic.span || diagnostic.help !== undefined) continue;
    if (!lines.lineText(diagnostic.span.line).includes('{{')) continue;
    diagnostic.help = 'this file looks like a Go/Helm template ({{ ... }}): render it first (helm template, or your templating tool) and give calpol the output';
  }
}

function loadParsedText(file: string, text: string, lines: LineIndex, result: LoadResult, pointers: DecodeContext['pointers'], options: LoadOptions): void {
  const ctx: FileContext = { file, text, lines, diagnostics: result.diagnostics, pointers, allowUnsupported: options.allowUnsupported ?? false };
  // Items of a top-level `items:` list are decoded as the reader produces them (see
  // ListItemSink), into a buffer per document, kept only if that document is a List.
  const streamed = new Map<number, LoadResult>();
  const onListItem = (item: YNode, document: number, reread?: NodeReader) => {
    let buffer = streamed.get(document);
    if (!buffer) streamed.set(document, (buffer = { resources: [], diagnostics: [] }));
    loadListItem(item, { ...ctx, diagnostics: buffer.diagnostics, reread }, buffer.resources);
  };
  const deferredBy = new Map<number, [number, number][]>();
  const deferItem = options.deferItem;
  const deferListItem = deferItem
    ? (start: number, end: number, document: number) => {
        if (!deferItem(text, start, end)) return false;
        let list = deferredBy.get(document);
        if (!list) deferredBy.set(document, (list = []));
        list.push([start, end]);
        return true;
      }
    : undefined;
  const parsed = parseYamlFile(file, text, result.diagnostics, { lines, onListItem, deferListItem });
  parsed.documents.forEach((root, index) => {
    if (isNull(root)) return; // an empty document
    if (root.kind === 'seq') {
      // calicoctl's list form: a document that is a sequence of resources (Calico's own
      // docs use it); each item is a resource of its own, as in a List.
      for (const item of root.items) loadListItem(item, { ...ctx, reread: parsed.reread }, result.resources);
      return;
    }
    if (root.kind !== 'map') {
      result.diagnostics.push(report(yamlSyntax, 'notMapping', nodeSpan(ctx, root), { actual: describeNode(root) }));
      return;
    }
    loadDocument(root, { ...ctx, reread: parsed.reread }, result.resources);
    const items = parsed.fast ? streamed.get(index) : undefined;
    if (items && isStreamedList(root)) {
      // Loops, not push(...array): a List can hold more items than a call takes arguments.
      for (const resource of items.resources) result.resources.push(resource);
      for (const diagnostic of items.diagnostics) result.diagnostics.push(diagnostic);
    }
    const deferred = parsed.fast && parsed.reread ? deferredBy.get(index) : undefined;
    if (deferred && isStreamedList(root)) {
      const reread = parsed.reread as NodeReader;
      result.deferred ??= [];
      for (const [start, end] of deferred) {
        const load = (into: LoadResult) => {
          // The item's node starts at its first token after `- `.
          let at = text.indexOf('-', start) + 1;
          while (text.charCodeAt(at) === 32) at++;
          const item = reread(at);
          if (item === undefined) return false;
          loadListItem(item, { ...ctx, diagnostics: into.diagnostics, reread }, into.resources);
          return true;
        };
        result.deferred.push({ text, start, end, load });
      }
    }
  });
}

function isStreamedList(map: MapNode): boolean {
  const kind = mapGet(map, 'kind');
  return kind?.kind === 'scalar' && typeof kind.value === 'string' && isListKind(kind.value);
}

/** Decoding context (its line index is what each resource's lazy spans keep). */
interface FileContext extends DecodeContext {
  /** Set when the fast YAML reader read the file: nodes can then be read again from their offset. */
  reread?: NodeReader;
  /** Policy kinds calpol does not enforce are skipped with a warning instead of an error. */
  allowUnsupported?: boolean;
}

/*
 * Kinds whose positions are recorded only when something asks for one (a finding), by
 * reading the resource's text again: nothing but findings reads them, and a cluster dump
 * has tens of thousands of pods, whose recorded positions were a large share of the
 * loader's time and memory. Policies keep theirs: rules cite them.
 */
const POSITIONS_ON_DEMAND: ReadonlySet<Resource['kind']> = new Set(['Pod', 'Namespace', 'ServiceAccount']);

/** The string value of `key` in a mapping, reporting it when absent or not a string. */
function typeField(map: MapNode, key: 'apiVersion' | 'kind', ctx: DecodeContext): { value: string; node: YNode } | undefined {
  const node = mapGet(map, key);
  if (node === undefined || isNull(node)) {
    ctx.diagnostics.push(report(missingField, 'missing', nodeSpan(ctx, map), { field: key }));
    return undefined;
  }
  if (node.kind !== 'scalar' || typeof node.value !== 'string') {
    ctx.diagnostics.push(report(invalidType, 'expected', nodeSpan(ctx, node), { expected: 'a string', actual: describeNode(node) }));
    return undefined;
  }
  return { value: node.value, node };
}

/** One document or List item: a List is unpacked, a known kind decoded, anything else reported. */
function loadDocument(map: MapNode, ctx: FileContext, out: Resource[]): void {
  const apiVersion = typeField(map, 'apiVersion', ctx);
  const kind = typeField(map, 'kind', ctx);
  if (!apiVersion || !kind) return;
  if (isListKind(kind.value) && mapGet(map, 'items') !== undefined) {
    loadList(map, ctx, out);
    return;
  }
  const route = routeKind(apiVersion.value, kind.value);
  if (!route) {
    reportUnread(apiVersion, kind, ctx);
    return;
  }
  const before = ctx.diagnostics.length;
  const resource = decodeResource(map, route.kind, apiVersion.value, ctx);
  const breaksShape = ctx.diagnostics.slice(before).some((d) => SHAPE_ERRORS.has(d.code) && d.severity === 'error');
  if (!breaksShape) out.push(resource);
}

/** Decoding findings after which a resource no longer has its kind's shape. */
const SHAPE_ERRORS: ReadonlySet<string> = new Set([missingField.id, invalidType.id]);

/** A document calpol does not read: a note when it carries no policy, otherwise an error (classifyUnread). */
function reportUnread(apiVersion: { value: string; node: YNode }, kind: { value: string; node: YNode }, ctx: FileContext): void {
  ctx.diagnostics.push(unreadFinding(apiVersion, kind, ctx));
}

function unreadFinding(apiVersion: { value: string; node: YNode }, kind: { value: string; node: YNode }, ctx: FileContext): Diagnostic {
  const span = nodeSpan(ctx, kind.node);
  const versionSpan = nodeSpan(ctx, apiVersion.node);
  const data = { apiVersion: apiVersion.value, kind: kind.value };
  const unread = classifyUnread(apiVersion.value, kind.value, (name) => didYouMean(name, KNOWN_KIND_NAMES));
  const error = { severity: 'error' as const };
  switch (unread.reason) {
    case 'removedApiVersion':
      return report(unknownKind, 'removedApiVersion', versionSpan, { ...data, replacement: unread.replacement }, error);
    case 'wrongApiVersion':
      return report(unknownKind, 'unknownApiVersion', versionSpan, { ...data, expected: unread.expected.join(' or ') }, error);
    case 'calicoV1':
      return report(unknownKind, 'calicoV1', span, data, error);
    case 'unenforcedPolicy':
      return ctx.allowUnsupported
        ? report(unknownKind, 'unenforcedPolicySkipped', span, data, { severity: 'warning' })
        : report(unknownKind, 'unenforcedPolicy', span, data, error);
    case 'misspelt':
      return report(unknownKind, 'unknownKindWithSuggestion', span, { ...data, suggestion: unread.suggestion }, error);
    case 'noPolicy':
      return report(unknownKind, 'unknownKind', span, data);
    default:
      return unreachable(unread, 'unread document');
  }
}

/** `kind: List` / `*List`: each item is a resource of its own (items inherit nothing from the list). */
function loadList(map: MapNode, ctx: FileContext, out: Resource[]): void {
  decodeObject(map, LIST_DOCUMENT, '', ctx, newPositions());
  const items = mapGet(map, 'items');
  if (items === undefined || isNull(items)) return;
  if (items.kind !== 'seq') {
    ctx.diagnostics.push(report(invalidType, 'expected', nodeSpan(ctx, items), { expected: 'a list', actual: describeNode(items) }));
    return;
  }
  for (const item of items.items) loadListItem(item, ctx, out);
}

function loadListItem(item: YNode, ctx: FileContext, out: Resource[]): void {
  if (isNull(item)) return;
  if (item.kind !== 'map') {
    ctx.diagnostics.push(report(yamlSyntax, 'notMapping', nodeSpan(ctx, item), { actual: describeNode(item) }));
    return;
  }
  loadDocument(item, ctx, out);
}

function decodeResource(map: MapNode, kind: Resource['kind'], apiVersion: string, ctx: FileContext): Resource {
  const schema = KIND_SCHEMAS[kind];
  const onDemand = ctx.reread !== undefined && POSITIONS_ON_DEMAND.has(kind);
  const positions = newPositions(!onDemand);
  recordSpan(ctx, positions, '', map);
  const body = decodeObject(map, schema.document, '', ctx, positions);
  const metadata = (body.metadata as Partial<ObjectMeta> | undefined) ?? {};
  const resource = {
    apiVersion,
    kind,
    // A missing name was reported; "" keeps the typed shape (name is a string) intact.
    metadata: { ...metadata, name: metadata.name ?? '' },
    spec: (body.spec as object | undefined) ?? {},
    span: nodeSpan(ctx, map),
    spans: onDemand ? spansOnDemand(ctx.file, ctx.lines, recordAgain(map.start, schema.document, ctx)) : lazySpans(ctx.file, ctx.lines, positions.spans),
    ...(Object.keys(positions.textMaps).length > 0 ? { textMaps: positions.textMaps } : {}),
    ...(body.status !== undefined ? { status: body.status } : {}),
  };
  // The decoder checked every field against the kind's table, so the shape is the kind's.
  return resource as Resource;
}

/** Records the positions of the resource at `offset` by reading and decoding it again (findings discarded: they were reported the first time). */
function recordAgain(offset: number, schema: ObjectSchema, ctx: FileContext): () => SpanRecorder {
  const { file, text, lines, pointers, reread } = ctx;
  return () => {
    const positions = newPositions();
    const node = reread?.(offset);
    if (node?.kind !== 'map') return positions.spans;
    const again: DecodeContext = { file, text, lines, pointers, diagnostics: [] };
    recordSpan(again, positions, '', node);
    decodeObject(node, schema, '', again, positions);
    return positions.spans;
  };
}
