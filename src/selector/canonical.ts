import { hashText } from '../diag/index.js';
import type { Selector, SelectorNode } from './types.js';

/**
 * Upstream's `Selector.String()`: AND/OR always parenthesised, NOT as a bare `!`,
 * values in double quotes unless they contain one, sets as `{"a", "b"}`.
 */
export function canonicalString(node: SelectorNode): string {
  const parts: string[] = [];
  appendCanonical(node, parts);
  return parts.join('');
}

const VALUE_OPERATOR_TEXT = {
  eq: ' == ',
  ne: ' != ',
  contains: ' contains ',
  startsWith: ' starts with ',
  endsWith: ' ends with ',
} as const;

function appendCanonical(node: SelectorNode, parts: string[]): void {
  switch (node.kind) {
    case 'all':
      parts.push('all()');
      return;
    case 'global':
      parts.push('global()');
      return;
    case 'has':
      parts.push('has(', node.label, ')');
      return;
    case 'eq':
    case 'ne':
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      parts.push(node.label, VALUE_OPERATOR_TEXT[node.kind], quoteValue(node.value));
      return;
    case 'in':
    case 'notIn':
      parts.push(node.label, node.kind === 'in' ? ' in {' : ' not in {', node.values.map(quoteValue).join(', '), '}');
      return;
    case 'not':
      parts.push('!');
      appendCanonical(node.operand, parts);
      return;
    case 'and':
    case 'or':
      appendJunction(node.operands, node.kind === 'and' ? ' && ' : ' || ', parts);
      return;
  }
}

function appendJunction(operands: readonly SelectorNode[], separator: string, parts: string[]): void {
  parts.push('(');
  operands.forEach((operand, index) => {
    if (index > 0) parts.push(separator);
    appendCanonical(operand, parts);
  });
  parts.push(')');
}

/** Strings have no escapes, so a value containing `"` is written with single quotes. */
function quoteValue(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

/** Upstream's `hash.MakeUniqueID("s", canonical)`. */
export function selectorId(canonical: string): string {
  return 's:' + hashText('s:' + canonical, 'sha224', 'base64url');
}

/** A Selector for an AST: canonical form and id derived from it. */
export function createSelector(source: string, root: SelectorNode): Selector {
  const canonical = canonicalString(root);
  return { source, root, canonical, id: selectorId(canonical) };
}

/**
 * Orders strings as Go compares them (by UTF-8 bytes, i.e. by code point). JavaScript's
 * `<` compares UTF-16 units, which puts characters above U+FFFF (surrogate pairs,
 * D800–DFFF) before U+E000–U+FFFF; moving those two unit ranges past each other
 * restores code point order.
 */
export function compareBytewise(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length);
  for (let index = 0; index < shorter; index++) {
    const left = a.charCodeAt(index);
    const right = b.charCodeAt(index);
    if (left !== right) return codePointOrderKey(left) - codePointOrderKey(right);
  }
  return a.length - b.length;
}

function codePointOrderKey(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

/** Sorted bytewise and without duplicates, as upstream keeps set literals. */
export function sortedUnique(values: readonly string[]): string[] {
  const sorted = [...values].sort(compareBytewise);
  return sorted.filter((value, index) => index === 0 || value !== sorted[index - 1]);
}
