import type { Labels, Selector, SelectorNode } from './types.js';

type LabelLookup = (name: string) => string | undefined;

function lookupIn(labels: Labels): LabelLookup {
  if (labels instanceof Map) return (name) => labels.get(name);
  const record = labels as Readonly<Record<string, string>>;
  // Own properties only: a label named `constructor` must not find Object.prototype's.
  return (name) => (Object.hasOwn(record, name) ? record[name] : undefined);
}

/**
 * Whether a selector matches a set of labels, as upstream evaluates it: `!=` and
 * `not in` are true when the label is absent; `all()` and `global()` are always true.
 */
export function matches(selector: Selector | SelectorNode, labels: Labels): boolean {
  const root = 'root' in selector ? selector.root : selector;
  return evaluate(root, lookupIn(labels));
}

function evaluate(node: SelectorNode, lookup: LabelLookup): boolean {
  switch (node.kind) {
    case 'all':
    case 'global':
      return true;
    case 'has':
      return lookup(node.label) !== undefined;
    case 'eq':
      return lookup(node.label) === node.value;
    case 'ne':
      return lookup(node.label) !== node.value;
    case 'contains':
      return lookup(node.label)?.includes(node.value) ?? false;
    case 'startsWith':
      return lookup(node.label)?.startsWith(node.value) ?? false;
    case 'endsWith':
      return lookup(node.label)?.endsWith(node.value) ?? false;
    case 'in':
      return isMember(lookup(node.label), node.values);
    case 'notIn':
      return !isMember(lookup(node.label), node.values);
    case 'not':
      return !evaluate(node.operand, lookup);
    case 'and':
      return node.operands.every((operand) => evaluate(operand, lookup));
    case 'or':
      return node.operands.some((operand) => evaluate(operand, lookup));
  }
}

function isMember(value: string | undefined, values: readonly string[]): boolean {
  return value !== undefined && values.includes(value);
}
