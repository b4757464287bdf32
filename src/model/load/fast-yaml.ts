import { nullNode, scalarNode, type MapNode, type ScalarNode, type SeqNode, type YNode } from '../schema/index.js';
import { resolvePlainScalar, unescapeDoubleQuoted } from './scalars.js';

/**
 * A fast reader for the plain subset of YAML that kubectl, calicoctl and people write:
 * block mappings and sequences, one-line plain and quoted scalars, one-line flow
 * collections, comments and `---`. It builds the same trees (with the same offsets) as
 * reading with the `yaml` package, which reads about 4 MB/s; this reads a 50k-pod dump in
 * a second or two.
 *
 * Anything outside the subset (anchors, tags, block or multi-line scalars, complex keys,
 * tabs, duplicate keys, anything malformed) makes it give up on the whole file, and the
 * caller parses that file with `yaml`, which also reports any error. So this reader never
 * decides what an unusual input means, and never words an error.
 */
export function parseFastYaml(text: string, onListItem?: ListItemSink, deferListItem?: ListItemDeferral): YNode[] | undefined {
  // Characters YAML forbids or that this subset leaves to the full parser.
  if (/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\uFEFF\t]|\r(?!\n)|^%/m.test(text)) return undefined;
  try {
    return new FastYamlReader(text, onListItem, deferListItem).documents();
  } catch (error) {
    // Giving up is signalled by an exception so the recursive descent stays readable; it
    // never leaves this function. Anything else is a bug.
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
}

class GiveUp extends Error {}

/**
 * Reads again the block node whose first token is at `offset`, in a text this reader read
 * whole before (so it cannot give up, but says undefined if it does). The loader uses it to
 * record a resource's positions only when something asks for them.
 */
export function readFastYamlNodeAt(text: string, offset: number): YNode | undefined {
  try {
    return new FastYamlReader(text).nodeAt(offset);
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
}

/**
 * Receives each item of a document's top-level `items:` list as soon as it is read (the
 * item is then not kept in the tree), so a 50k-pod `kind: List` is never held whole.
 * `document` is the index the enclosing document will have in the result.
 */
export type ListItemSink = (item: YNode, document: number, reread?: NodeReader) => void;

/**
 * Asked, before an item of a top-level `items:` list is read, with the item's text
 * [start, end) and the index of its document: true leaves the item unread (not parsed,
 * not handed to the sink). The caller can read it later with readFastYamlNodeAt.
 */
export type ListItemDeferral = (start: number, end: number, document: number) => boolean;

/** Reads the node at an offset of the text again (see readFastYamlNodeAt). */
export type NodeReader = (offset: number) => YNode | undefined;

/** The NodeReader of a text the fast reader read whole. */
export const fastYamlNodeReader =
  (text: string): NodeReader =>
  (offset) =>
    readFastYamlNodeAt(text, offset);

const KEY = /[A-Za-z0-9_][A-Za-z0-9_.\/+-]*:(?=[ \r\n]|$)/y;
const FLOW_PLAIN = /[^,\[\]{}#:'"\r\n]+/y;

interface Line {
  /** Offset of the line's first character. */
  start: number;
  /** Offset of its first non-space character. */
  content: number;
  indent: number;
}

class FastYamlReader {
  /** Offset of the start of the next line not yet consumed. */
  private pos = 0;
  private flowDepth = 0;

  /** Index of the document being read. */
  private document = 0;

  private readonly reread: NodeReader;

  constructor(
    private readonly text: string,
    private readonly onListItem?: ListItemSink,
    private readonly deferListItem?: ListItemDeferral,
  ) {
    this.reread = fastYamlNodeReader(text);
  }

  nodeAt(offset: number): YNode {
    const start = this.text.lastIndexOf('\n', offset - 1) + 1;
    this.pos = start;
    return this.blockNode({ start, content: offset, indent: offset - start });
  }

  /** The stream's non-empty documents (empty ones are skipped by the loader anyway). */
  documents(): YNode[] {
    const docs: YNode[] = [];
    for (;;) {
      const line = this.nextContentLine(this.pos, true);
      if (!line) return docs;
      if (this.isMarker(line, '---')) {
        if (!this.restIsEmpty(line.start + 3)) throw new GiveUp();
        this.pos = this.lineEnd(line.start) + 1;
        continue;
      }
      if (this.isMarker(line, '...')) throw new GiveUp();
      this.document = docs.length;
      docs.push(this.blockNode(line, true));
      const next = this.nextContentLine(this.pos, true);
      if (next && !this.isMarker(next, '---')) throw new GiveUp();
    }
  }

  private isMarker(line: Line, marker: string): boolean {
    return line.indent === 0 && this.text.startsWith(marker, line.start) && this.isBreakOrSpace(line.start + 3);
  }

  private isBreakOrSpace(at: number): boolean {
    const c = this.text[at];
    return c === undefined || c === ' ' || c === '\n' || c === '\r';
  }

  private lineEnd(from: number): number {
    const end = this.text.indexOf('\n', from);
    return end < 0 ? this.text.length : end;
  }

  /** The next line with content (blank and comment-only lines skipped), or undefined at the end. */
  private nextContentLine(from: number, markersAreContent = false): Line | undefined {
    // The same line is asked for twice in a row (after a value, to refuse a continuation,
    // then by the enclosing collection): the second time is answered from here.
    if (from === this.lastFrom && markersAreContent === this.lastMarkersAreContent) return this.lastLine;
    const line = this.findContentLine(from, markersAreContent);
    this.lastFrom = from;
    this.lastMarkersAreContent = markersAreContent;
    this.lastLine = line;
    return line;
  }

  private lastFrom = -1;
  private lastMarkersAreContent = false;
  private lastLine: Line | undefined;

  private findContentLine(from: number, markersAreContent: boolean): Line | undefined {
    const text = this.text;
    let start = from;
    while (start < text.length) {
      let content = start;
      while (text.charCodeAt(content) === 32) content++;
      const c = text.charCodeAt(content);
      if (Number.isNaN(c)) return undefined;
      if (c !== 10 && c !== 13 && c !== 35) {
        const line = { start, content, indent: content - start };
        if (!markersAreContent && (this.isMarker(line, '---') || this.isMarker(line, '...'))) return undefined;
        return line;
      }
      start = this.lineEnd(content) + 1;
    }
    return undefined;
  }

  /** True when only blanks or a comment follow `at` on its line. */
  private restIsEmpty(at: number): boolean {
    let i = at;
    while (this.text.charCodeAt(i) === 32) i++;
    const c = this.text[i];
    return c === undefined || c === '\n' || c === '\r' || (c === '#' && (i === at || this.text[i - 1] === ' '));
  }

  private nullAt(offset: number): ScalarNode {
    return nullNode(offset);
  }

  /** A block node whose first token is the content of `line` (which may start mid-line after `- `). */
  private blockNode(line: Line, root = false): YNode {
    if (this.isSeqIndicator(line.content)) return this.blockSeq(line);
    KEY.lastIndex = line.content;
    if (KEY.test(this.text)) return this.blockMap(line, root);
    const value = this.inlineValue(line.content);
    this.pos = this.lineEnd(line.content) + 1;
    return value;
  }

  private isSeqIndicator(at: number): boolean {
    return this.text[at] === '-' && this.isBreakOrSpace(at + 1);
  }

  private blockMap(first: Line, root = false): MapNode {
    const map: MapNode = { kind: 'map', start: first.content, end: first.content, keys: [], values: [] };
    const keys: string[] = [];
    let line: Line | undefined = first;
    let end = first.content;
    while (line) {
      KEY.lastIndex = line.content;
      if (!KEY.test(this.text)) throw new GiveUp();
      const colon = KEY.lastIndex - 1;
      const key = this.plainScalar(line.content, colon);
      const keyText = String(key.value);
      // A linear search: block mappings in manifests have a handful of keys.
      if (key.value === null || keys.includes(keyText)) throw new GiveUp();
      keys.push(keyText);
      const value = this.mapValue(line, colon, root && keyText === 'items');
      map.keys.push(key);
      map.values.push(value);
      end = value.end;
      line = this.nextContentLine(this.pos);
      if (!line || line.indent < first.indent) break;
      if (line.indent > first.indent || this.isSeqIndicator(line.content)) throw new GiveUp();
    }
    map.end = end;
    return map;
  }

  /** The value after `key:`: on the same line, or a block on the lines below. */
  private mapValue(line: Line, colon: number, listItems: boolean): YNode {
    let at = colon + 1;
    while (this.text.charCodeAt(at) === 32) at++;
    if (this.restIsEmpty(at)) {
      this.pos = this.lineEnd(at) + 1;
      const next = this.nextContentLine(this.pos);
      const sink = listItems ? this.onListItem : undefined;
      if (next && next.indent > line.indent) return this.isSeqIndicator(next.content) ? this.blockSeq(next, sink) : this.blockNode(next);
      // A sequence may sit at its key's own indentation.
      if (next && next.indent === line.indent && this.isSeqIndicator(next.content)) return this.blockSeq(next, sink);
      return this.nullAt(colon + 1);
    }
    const value = this.inlineValue(at);
    this.pos = this.lineEnd(at) + 1;
    this.refuseContinuation(line.indent);
    return value;
  }

  /** A more-indented line after a one-line value is a multi-line scalar or an error: not ours. */
  private refuseContinuation(indent: number): void {
    const next = this.nextContentLine(this.pos);
    if (next && next.indent > indent) throw new GiveUp();
  }

  private blockSeq(first: Line, sink?: ListItemSink): SeqNode {
    const seq: SeqNode = { kind: 'seq', start: first.content, end: first.content, items: [] };
    let line: Line | undefined = first;
    let end = first.content;
    while (line && line.indent === first.indent && this.isSeqIndicator(line.content)) {
      if (sink && this.deferListItem) {
        const itemEnd = this.itemEnd(line);
        if (this.deferListItem(line.start, itemEnd, this.document)) {
          this.pos = itemEnd;
          line = this.nextContentLine(this.pos);
          continue;
        }
      }
      const item = this.seqItem(line);
      if (sink) sink(item, this.document, this.reread);
      else seq.items.push(item);
      end = item.end;
      line = this.nextContentLine(this.pos);
    }
    if (line && line.indent > first.indent) throw new GiveUp();
    seq.end = end;
    return seq;
  }

  /**
   * Where the sequence item starting on `line` ends: at the next line with content that is
   * indented no more than its `-` (comment and blank lines do not end it), or at the end.
   */
  private itemEnd(line: Line): number {
    const text = this.text;
    let start = this.lineEnd(line.content) + 1;
    while (start < text.length) {
      let content = start;
      while (text.charCodeAt(content) === 32) content++;
      const c = text.charCodeAt(content);
      if (Number.isNaN(c)) return text.length;
      if (c !== 10 && c !== 13 && c !== 35 && content - start <= line.indent) return start;
      start = this.lineEnd(content) + 1;
    }
    return text.length;
  }

  private seqItem(line: Line): YNode {
    let at = line.content + 1;
    while (this.text.charCodeAt(at) === 32) at++;
    if (this.restIsEmpty(at)) {
      this.pos = this.lineEnd(at) + 1;
      const next = this.nextContentLine(this.pos);
      if (next && next.indent > line.indent) return this.blockNode(next);
      return this.nullAt(line.content + 1);
    }
    // `- key: value` and `- - x` open a block whose indentation is the column of its first token.
    const inner: Line = { start: line.start, content: at, indent: at - line.start };
    KEY.lastIndex = at;
    if (this.isSeqIndicator(at) || KEY.test(this.text)) return this.blockNode(inner);
    const value = this.inlineValue(at);
    this.pos = this.lineEnd(at) + 1;
    this.refuseContinuation(line.indent);
    return value;
  }

  /** A scalar or flow collection that must end on this line (only a comment may follow). */
  private inlineValue(at: number): YNode {
    const c = this.text[at] as string;
    let node: YNode;
    let after: number;
    if (c === '"' || c === "'") [node, after] = this.quoted(at);
    else if (c === '[' || c === '{') [node, after] = this.flow(at);
    else if ('&*!|>%@`?:,]}#'.includes(c) || (c === '-' && this.isBreakOrSpace(at + 1))) throw new GiveUp();
    else {
      const end = this.plainEnd(at);
      node = this.plainScalar(at, end);
      after = end;
    }
    if (!this.restIsEmpty(after)) throw new GiveUp();
    return node;
  }

  /** End of a one-line plain scalar in block context (before ` #` and trailing blanks). */
  private plainEnd(at: number): number {
    const text = this.text;
    const lineEnd = this.lineEnd(at);
    let end = lineEnd;
    // One pass over the line: where a ` #` comment starts, and whether `: ` comes before it.
    let colonSpace = -1;
    for (let i = at; i < lineEnd - 1; i++) {
      const c = text.charCodeAt(i);
      if (c === 32 && text.charCodeAt(i + 1) === 35) {
        end = i;
        break;
      }
      if (c === 58 && text.charCodeAt(i + 1) === 32 && colonSpace < 0) colonSpace = i;
    }
    while (end > at && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 13)) end--;
    if ((colonSpace >= 0 && colonSpace + 1 < end) || (end > at && text.charCodeAt(end - 1) === 58)) throw new GiveUp();
    return end;
  }

  private plainScalar(start: number, end: number): ScalarNode {
    return scalarNode(resolvePlainScalar(this.text.slice(start, end)), 'PLAIN', start, end);
  }

  private quoted(at: number): [ScalarNode, number] {
    const quote = this.text[at] as string;
    const lineEnd = this.lineEnd(at);
    let value: string | undefined;
    let close: number;
    if (quote === "'") {
      close = at + 1;
      for (;;) {
        close = this.text.indexOf("'", close);
        if (close < 0 || close >= lineEnd) throw new GiveUp();
        if (this.text[close + 1] !== "'") break;
        close += 2;
      }
      value = this.text.slice(at + 1, close).replace(/''/g, "'");
    } else {
      close = at + 1;
      while (close < lineEnd && this.text[close] !== '"') close += this.text[close] === '\\' ? 2 : 1;
      if (close >= lineEnd) throw new GiveUp();
      value = unescapeDoubleQuoted(this.text.slice(at + 1, close));
      if (value === undefined) throw new GiveUp();
    }
    return [scalarNode(value, quote === "'" ? 'QUOTE_SINGLE' : 'QUOTE_DOUBLE', at, close + 1), close + 1];
  }

  /** A one-line flow sequence or mapping of scalars (and nested one-line flow collections). */
  private flow(at: number): [YNode, number] {
    if (++this.flowDepth > 100) throw new GiveUp();
    const isMap = this.text[at] === '{';
    const map: MapNode = { kind: 'map', start: at, end: at, keys: [], values: [] };
    const seq: SeqNode = { kind: 'seq', start: at, end: at, items: [] };
    const closer = isMap ? '}' : ']';
    const keys = new Set<string>();
    let i = this.skipSpaces(at + 1);
    while (this.text[i] !== closer) {
      let item: YNode;
      [item, i] = this.flowItem(i);
      if (isMap) {
        if (this.text[i] !== ':' || !this.isBreakOrSpace(i + 1) || item.kind !== 'scalar') throw new GiveUp();
        const keyText = String(item.value);
        if (keys.has(keyText) || item.value === null) throw new GiveUp();
        keys.add(keyText);
        let value: YNode;
        [value, i] = this.flowItem(this.skipSpaces(i + 1));
        map.keys.push(item);
        map.values.push(value);
      } else {
        seq.items.push(item);
      }
      if (this.text[i] === ',') i = this.skipSpaces(i + 1);
      else if (this.text[i] !== closer) throw new GiveUp();
    }
    const node = isMap ? map : seq;
    node.end = i + 1;
    this.flowDepth--;
    return [node, i + 1];
  }

  private flowItem(at: number): [YNode, number] {
    const c = this.text[at];
    let result: [YNode, number];
    if (c === '"' || c === "'") result = this.quoted(at);
    else if (c === '[' || c === '{') result = this.flow(at);
    else {
      FLOW_PLAIN.lastIndex = at;
      if (!FLOW_PLAIN.test(this.text) || '&*!|>%@`?-'.includes(c as string)) throw new GiveUp();
      let end = FLOW_PLAIN.lastIndex;
      while (end > at && this.text[end - 1] === ' ') end--;
      if (end === at) throw new GiveUp();
      result = [this.plainScalar(at, end), end];
    }
    return [result[0], this.skipSpaces(result[1])];
  }

  private skipSpaces(at: number): number {
    let i = at;
    while (this.text.charCodeAt(i) === 32) i++;
    return i;
  }
}
