/**
 * A fixed-size set of small integers (indices of labelled items). Selector membership is
 * computed with these. A set is kept in one of two forms, whichever is smaller:
 * - dense: one bit per possible member, so one word operation covers 32 endpoints;
 * - sparse: its members in ascending order, for sets holding fewer than one in 32 of the
 *   possible members.
 * Most selectors select a few pods of one namespace: kept dense, every selector of a
 * cluster would cost (selectors × endpoints / 8) bytes, which grows four times when the
 * cluster doubles (twice the policies over twice the endpoints). Kept sparse, it grows
 * with what the selectors actually select.
 * Instances are never mutated after construction (results are shared through caches).
 */
export class Bitset {
  private constructor(
    readonly size: number,
    /** Dense form: bit i of word i/32 is member i. */
    private readonly words: Uint32Array | undefined,
    /** Sparse form: the members in ascending order, no duplicates. */
    private readonly sorted: Int32Array | undefined,
  ) {}

  static empty(size: number): Bitset {
    return new Bitset(size, undefined, new Int32Array(0));
  }

  static full(size: number): Bitset {
    const words = new Uint32Array((size + 31) >>> 5).fill(0xffffffff);
    const tail = size & 31;
    if (tail !== 0) words[words.length - 1] = (1 << tail) - 1;
    return new Bitset(size, words, undefined);
  }

  static of(size: number, members: Iterable<number>): Bitset {
    const list = Int32Array.from(members).sort();
    let unique = 0;
    for (let i = 0; i < list.length; i++) if (i === 0 || list[i] !== list[i - 1]) list[unique++] = list[i]!;
    return Bitset.fromSorted(size, list.subarray(0, unique));
  }

  /** The smaller form for these members (ascending, unique). */
  private static fromSorted(size: number, sorted: Int32Array): Bitset {
    if (sorted.length * 32 < size) return new Bitset(size, undefined, sorted.slice());
    return new Bitset(size, wordsOf(size, sorted), undefined);
  }

  /** Dense words of any set (a copy for sparse ones, the set's own for dense ones: do not mutate). */
  private denseWords(): Uint32Array {
    return this.words ?? wordsOf(this.size, this.sorted!);
  }

  has(index: number): boolean {
    if (this.words) return ((this.words[index >>> 5] ?? 0) & (1 << (index & 31))) !== 0;
    const sorted = this.sorted!;
    let low = 0;
    let high = sorted.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = sorted[middle]!;
      if (value === index) return true;
      if (value < index) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }

  and(other: Bitset): Bitset {
    // A sparse side bounds the result: keep its members the other side has.
    if (this.sorted) return this.filterSparse((member) => other.has(member));
    if (other.sorted) return other.filterSparse((member) => this.has(member));
    return this.combineDense(other, (a, b) => a & b);
  }

  or(other: Bitset): Bitset {
    if (this.sorted && other.sorted) return Bitset.fromSorted(this.size, mergeSorted(this.sorted, other.sorted));
    return this.combineDense(other, (a, b) => a | b);
  }

  /** Members of this set that are not in `other`. */
  andNot(other: Bitset): Bitset {
    if (this.sorted) return this.filterSparse((member) => !other.has(member));
    return this.combineDense(other, (a, b) => a & ~b);
  }

  /** True when the set is kept as its sorted members (fewer than one in 32 of the possible members). */
  isSparse(): boolean {
    return this.sorted !== undefined;
  }

  /** The members for which `keep` holds. */
  filter(keep: (member: number) => boolean): Bitset {
    if (this.sorted) return this.filterSparse(keep);
    const kept: number[] = [];
    for (const member of this.members()) if (keep(member)) kept.push(member);
    return Bitset.fromSorted(this.size, Int32Array.from(kept));
  }

  private filterSparse(keep: (member: number) => boolean): Bitset {
    const kept: number[] = [];
    for (const member of this.sorted!) if (keep(member)) kept.push(member);
    return new Bitset(this.size, undefined, Int32Array.from(kept));
  }

  private combineDense(other: Bitset, combine: (a: number, b: number) => number): Bitset {
    const left = this.denseWords();
    const right = other.denseWords();
    const out = new Uint32Array(left.length);
    for (let i = 0; i < out.length; i++) out[i] = combine(left[i]!, right[i]!);
    return new Bitset(this.size, out, undefined);
  }

  isEmpty(): boolean {
    if (this.sorted) return this.sorted.length === 0;
    for (const word of this.words!) if (word !== 0) return false;
    return true;
  }

  count(): number {
    if (this.sorted) return this.sorted.length;
    let total = 0;
    for (let word of this.words!) {
      word = word - ((word >>> 1) & 0x55555555);
      word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
      total += (((word + (word >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return total;
  }

  /** The members in ascending order, as an array (a sparse set's own: never mutate it). */
  memberArray(): Int32Array {
    if (this.sorted) return this.sorted;
    const words = this.words!;
    const list = new Int32Array(this.count());
    let next = 0;
    for (let w = 0; w < words.length; w++) {
      let word = words[w]!;
      while (word !== 0) {
        const lowest = word & -word;
        list[next++] = (w << 5) + (31 - Math.clz32(lowest));
        word ^= lowest;
      }
    }
    return list;
  }

  /** Members in ascending order. */
  *members(): IterableIterator<number> {
    yield* this.memberArray();
  }
}

function wordsOf(size: number, members: Iterable<number>): Uint32Array {
  const words = new Uint32Array((size + 31) >>> 5);
  for (const member of members) words[member >>> 5]! |= 1 << (member & 31);
  return words;
}

function mergeSorted(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (n === 0 || out[n - 1] !== next) out[n++] = next;
  }
  return out.subarray(0, n);
}
