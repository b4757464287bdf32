import { matches, type Selector, type SelectorNode } from '../selector/index.js';
import { Bitset } from './bitset.js';

/** Anything a selector can select: endpoints and network sets (by their effective labels). */
export interface Labelled {
  labels: Readonly<Record<string, string>>;
}

/**
 * Which items each selector selects, computed once per distinct selector (by its unique
 * id) from an inverted label index: label → value → items. Evaluating a selector is then
 * set algebra over bitsets, so the cost is (distinct selectors × selector size × items/32)
 * rather than (rules × items × label lookups).
 */
export class MembershipIndex {
  private readonly byValue = new Map<string, Map<string, number[]>>();
  private readonly cache = new Map<string, Bitset>();
  private readonly valueCache = new Map<string, Bitset>();
  private readonly presentCache = new Map<string, Bitset>();
  readonly size: number;

  /** The items are the segments one after another (the plan's: endpoints, then network sets). */
  private readonly segments: readonly (readonly Labelled[])[];

  constructor(...segments: readonly (readonly Labelled[])[]) {
    this.segments = segments;
    this.size = segments.reduce((sum, segment) => sum + segment.length, 0);
  }

  private labelsOf(index: number): Readonly<Record<string, string>> {
    for (const segment of this.segments) {
      if (index < segment.length) return (segment[index] as Labelled).labels;
      index -= segment.length;
    }
    throw new Error(`bug: item ${index} is past the end of the membership index`);
  }

  /*
   * The postings of one label key (value → items), built the first time a selector asks
   * about that key, by one pass over the items. Selectors name a few dozen keys; items
   * carry many more (pod-template-hash, the profile labels...), and indexing every label
   * of 50k endpoints up front was most of the plan's time.
   */
  private postings(key: string): Map<string, number[]> {
    const values = this.byValue.get(key);
    if (values) return values;
    this.buildPostings([key]);
    return this.byValue.get(key) as Map<string, number[]>;
  }

  /**
   * Builds the postings of every label key these selectors name, in one pass over the items,
   * before they are evaluated. Each pass reads the labels of every endpoint, which lie all
   * over the heap: one pass for six keys cost little more than one pass for one key.
   */
  preparePostings(selectors: Iterable<Selector>): void {
    const keys = new Set<string>();
    for (const selector of selectors) collectLabelKeys(selector.root, keys);
    this.buildPostings([...keys].filter((key) => !this.byValue.has(key)));
  }

  /** One pass over the items for these keys (value → items, in item order). */
  private buildPostings(keys: readonly string[]): void {
    if (keys.length === 0) return;
    const tables = keys.map(() => new Map<string, number[]>());
    let offset = 0;
    for (const segment of this.segments) {
      for (let position = 0; position < segment.length; position++) {
        const labels = (segment[position] as Labelled).labels;
        for (let k = 0; k < keys.length; k++) {
          const key = keys[k] as string;
          if (!Object.hasOwn(labels, key)) continue;
          const value = labels[key] as string;
          const values = tables[k] as Map<string, number[]>;
          const members = values.get(value);
          if (members) members.push(offset + position);
          else values.set(value, [offset + position]);
        }
      }
      offset += segment.length;
    }
    keys.forEach((key, k) => this.byValue.set(key, tables[k] as Map<string, number[]>));
  }

  /** The items a selector selects (shared, never mutate). */
  members(selector: Selector): Bitset {
    let result = this.cache.get(selector.id);
    if (!result) {
      result = this.evaluate(selector.root);
      this.cache.set(selector.id, result);
    }
    return result;
  }

  private labelEquals(key: string, value: string): Bitset {
    const cacheKey = `${key}\u0000${value}`;
    let result = this.valueCache.get(cacheKey);
    if (!result) {
      result = Bitset.of(this.size, this.postings(key).get(value) ?? []);
      this.valueCache.set(cacheKey, result);
    }
    return result;
  }

  /** Items that have label `key` (cached: `has(app)` appears in many selectors). */
  private labelPresent(key: string): Bitset {
    let result = this.presentCache.get(key);
    if (!result) {
      result = this.labelWhere(key, () => true);
      this.presentCache.set(key, result);
    }
    return result;
  }

  /*
   * An `and` narrows. Its operands are evaluated cheapest first (a label equality is a
   * cached posting list), and once the running set is sparse the remaining operands are
   * tested on its members' own labels instead of being evaluated over every item. Without
   * this, `projectcalico.org/namespace == 'a' && has(app)` built has(app)'s set over the
   * whole cluster for each namespace's selector: (selectors × items), four times the work
   * when the cluster doubles. The result is the same set (a property test compares every
   * evaluation with matches()).
   */
  private evaluateAnd(operands: readonly SelectorNode[]): Bitset {
    const ordered = [...operands].sort((a, b) => evaluationCost(a) - evaluationCost(b));
    let result = this.evaluate(ordered[0] as SelectorNode);
    let next = 1;
    for (; next < ordered.length && !result.isSparse(); next++) result = result.and(this.evaluate(ordered[next] as SelectorNode));
    const rest = ordered.slice(next);
    if (rest.length === 0 || result.isEmpty()) return result;
    return result.filter((member) => rest.every((operand) => matches(operand, this.labelsOf(member))));
  }

  /** Items whose label `key` has a value satisfying `test`. */
  private labelWhere(key: string, test: (value: string) => boolean): Bitset {
    const members: number[] = [];
    for (const [value, items] of this.postings(key)) if (test(value)) for (const item of items) members.push(item);
    return Bitset.of(this.size, members);
  }

  private evaluate(node: SelectorNode): Bitset {
    switch (node.kind) {
      case 'all':
      case 'global':
        return Bitset.full(this.size);
      case 'has':
        return this.labelPresent(node.label);
      case 'eq':
        return this.labelEquals(node.label, node.value);
      case 'ne':
        return Bitset.full(this.size).andNot(this.labelEquals(node.label, node.value));
      case 'contains':
        return this.labelWhere(node.label, (value) => value.includes(node.value));
      case 'startsWith':
        return this.labelWhere(node.label, (value) => value.startsWith(node.value));
      case 'endsWith':
        return this.labelWhere(node.label, (value) => value.endsWith(node.value));
      case 'in': {
        const wanted = new Set(node.values);
        return this.labelWhere(node.label, (value) => wanted.has(value));
      }
      case 'notIn': {
        const excluded = new Set(node.values);
        return Bitset.full(this.size).andNot(this.labelWhere(node.label, (value) => excluded.has(value)));
      }
      case 'not':
        return Bitset.full(this.size).andNot(this.evaluate(node.operand));
      case 'and':
        return this.evaluateAnd(node.operands);
      case 'or':
        return node.operands.map((operand) => this.evaluate(operand)).reduce((a, b) => a.or(b));
    }
  }
}

/** Rough cost of evaluating a node over every item: equalities are cached lookups, `all()` is a full set. */
function evaluationCost(node: SelectorNode): number {
  if (node.kind === 'eq') return 0;
  if (node.kind === 'all' || node.kind === 'global') return 2;
  return 1;
}

/** The label keys a selector names. */
function collectLabelKeys(node: SelectorNode, keys: Set<string>): void {
  switch (node.kind) {
    case 'all':
    case 'global':
      return;
    case 'not':
      collectLabelKeys(node.operand, keys);
      return;
    case 'and':
    case 'or':
      for (const operand of node.operands) collectLabelKeys(operand, keys);
      return;
    default:
      keys.add(node.label);
  }
}
