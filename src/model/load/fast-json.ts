import { scalarNode, type MapNode, type ScalarNode, type SeqNode, type YNode } from '../schema/index.js';
import type { ListItemSink } from './fast-yaml.js';
import { resolvePlainScalar } from './scalars.js';

/**
 * A fast reader for JSON files (`kubectl get -o json`), building the same trees and offsets
 * as reading them with the `yaml` package (JSON is YAML). Like fast-yaml.ts it gives up, leaving
 * the file to `yaml`, on anything that is not plain valid JSON, duplicate keys included.
 */
export function parseFastJson(text: string, onListItem?: ListItemSink): YNode[] | undefined {
  const reader = new JsonReader(text, onListItem);
  const start = reader.skipBlanks(0);
  if (text[start] !== '{' && text[start] !== '[') return undefined;
  const result = reader.value(start);
  if (!result || reader.skipBlanks(result[1]) !== text.length) return undefined;
  return [result[0]];
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;
const LITERAL = /true|false|null/y;
const MAX_DEPTH = 200;

/** Each method returns [node, offset after it], or undefined to give up. */
class JsonReader {
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly onListItem?: ListItemSink,
  ) {}

  skipBlanks(at: number): number {
    let i = at;
    for (;;) {
      const c = this.text.charCodeAt(i);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
      i++;
    }
  }

  value(at: number): [YNode, number] | undefined {
    const c = this.text[at];
    if (c === '"') return this.string(at);
    if (c !== '{' && c !== '[') return this.plain(at);
    // Deeply nested input is left to `yaml` (and its error handling) rather than to the stack.
    if (++this.depth > MAX_DEPTH) return undefined;
    const result = c === '{' ? this.object(at) : this.array(at);
    this.depth--;
    return result;
  }

  private plain(at: number): [YNode, number] | undefined {
    for (const pattern of [NUMBER, LITERAL]) {
      pattern.lastIndex = at;
      if (pattern.test(this.text)) {
        const end = pattern.lastIndex;
        return [scalarNode(resolvePlainScalar(this.text.slice(at, end)), 'PLAIN', at, end), end];
      }
    }
    return undefined;
  }

  private string(at: number): [ScalarNode, number] | undefined {
    let i = at + 1;
    for (;;) {
      const c = this.text.charCodeAt(i);
      if (Number.isNaN(c) || c < 32) return undefined;
      if (c === 34) break;
      i += c === 92 ? 2 : 1;
    }
    let value: unknown;
    try {
      value = JSON.parse(this.text.slice(at, i + 1));
    } catch {
      return undefined; // a bad escape: let `yaml` word the error
    }
    return [scalarNode(value as string, 'QUOTE_DOUBLE', at, i + 1), i + 1];
  }

  private array(at: number, sink?: ListItemSink): [YNode, number] | undefined {
    const seq: SeqNode = { kind: 'seq', start: at, end: at, items: [] };
    let i = this.skipBlanks(at + 1);
    if (this.text[i] !== ']') {
      for (;;) {
        const item = this.value(i);
        if (!item) return undefined;
        if (sink) sink(item[0], 0);
        else seq.items.push(item[0]);
        i = this.skipBlanks(item[1]);
        if (this.text[i] === ']') break;
        if (this.text[i] !== ',') return undefined;
        i = this.skipBlanks(i + 1);
      }
    }
    seq.end = i + 1;
    return [seq, i + 1];
  }

  private streamedArray(at: number): [YNode, number] | undefined {
    if (++this.depth > MAX_DEPTH) return undefined;
    const result = this.array(at, this.onListItem);
    this.depth--;
    return result;
  }

  private object(at: number): [YNode, number] | undefined {
    const map: MapNode = { kind: 'map', start: at, end: at, keys: [], values: [] };
    const keys = new Set<string>();
    let i = this.skipBlanks(at + 1);
    if (this.text[i] !== '}') {
      for (;;) {
        const key = this.text[i] === '"' ? this.string(i) : undefined;
        if (!key || keys.has(key[0].value as string)) return undefined;
        keys.add(key[0].value as string);
        i = this.skipBlanks(key[1]);
        if (this.text[i] !== ':') return undefined;
        // The top-level `items` of a list: handed over one by one, not kept (see ListItemSink).
        const valueAt = this.skipBlanks(i + 1);
        const streamItems = this.depth === 1 && key[0].value === 'items' && this.text[valueAt] === '[' && this.onListItem !== undefined;
        const value = streamItems ? this.streamedArray(valueAt) : this.value(valueAt);
        if (!value) return undefined;
        map.keys.push(key[0]);
        map.values.push(value[0]);
        i = this.skipBlanks(value[1]);
        if (this.text[i] === '}') break;
        if (this.text[i] !== ',') return undefined;
        i = this.skipBlanks(i + 1);
      }
    }
    map.end = i + 1;
    return [map, i + 1];
  }
}
