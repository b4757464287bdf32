import type { ScalarStyle } from './text-map.js';

/**
 * The parsed YAML the decoder reads: plain, monomorphic objects with source offsets. Aliases
 * and merge keys are already expanded (within limits) by the loader, so a tree is just data.
 * (The `yaml` package's own nodes cost several times the memory and time for a 50k-pod dump.)
 */
export type YNode = ScalarNode | MapNode | SeqNode;

export interface ScalarNode {
  kind: 'scalar';
  /** Offsets into the file text: [start, end) covers the scalar as written (quotes included). */
  start: number;
  end: number;
  value: string | number | boolean | null;
  style: ScalarStyle;
}

export interface MapNode {
  kind: 'map';
  start: number;
  end: number;
  /** Parallel arrays: the i-th key and its value, in source order, keys unique. */
  keys: ScalarNode[];
  values: YNode[];
}

export interface SeqNode {
  kind: 'seq';
  start: number;
  end: number;
  items: YNode[];
}

export function scalarNode(value: ScalarNode['value'], style: ScalarStyle, start: number, end: number): ScalarNode {
  return { kind: 'scalar', start, end, value, style };
}

export function nullNode(at: number): ScalarNode {
  return { kind: 'scalar', start: at, end: at, value: null, style: 'PLAIN' };
}

export function isNull(node: YNode | undefined): boolean {
  return node === undefined || (node.kind === 'scalar' && node.value === null);
}

/** The value of a mapping's `key`, if present. */
export function mapGet(map: MapNode, key: string): YNode | undefined {
  for (let i = 0; i < map.keys.length; i++) {
    if (String((map.keys[i] as ScalarNode).value) === key) return map.values[i];
  }
  return undefined;
}

/** "a string", "a list", ... for type messages. */
export function describeNode(node: YNode | undefined): string {
  if (node === undefined) return 'nothing';
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') return 'a list';
  const value = node.value;
  if (value === null) return 'null';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return Number.isFinite(value) ? 'a number' : 'a non-finite number';
  return 'a boolean';
}
