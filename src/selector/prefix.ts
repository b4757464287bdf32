import { createSelector } from './canonical.js';
import type { Selector, SelectorNode } from './types.js';

/**
 * Upstream's `PrefixVisitor`: the same selector with `prefix` prepended to every label
 * name (how namespace and service-account selectors become `pcns.*` / `pcsa.*` terms).
 * Canonical form and id are recomputed; `source` and the ranges still refer to the
 * original text. The input is not changed.
 */
export function prefixLabels(selector: Selector, prefix: string): Selector {
  return createSelector(selector.source, prefixNode(selector.root, prefix));
}

function prefixNode(node: SelectorNode, prefix: string): SelectorNode {
  switch (node.kind) {
    case 'all':
    case 'global':
      return node;
    case 'not':
      return { ...node, operand: prefixNode(node.operand, prefix) };
    case 'and':
    case 'or':
      return { ...node, operands: node.operands.map((operand) => prefixNode(operand, prefix)) };
    default:
      return { ...node, label: prefix + node.label };
  }
}
