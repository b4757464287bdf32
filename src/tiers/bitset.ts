/**
 * A fixed-size set of small integers (indices of labelled items). Selector membership is
 * computed with these: one word operation covers 32 endpoints, so evaluating a selector
 * over 50k endpoints costs a few thousand word operations, not 50k label lookups.
 * Instances are never mutated after construction (results are shared through caches).
 */
export class Bitset {
  private constructor(
    readonly size: number,
    private readonly words: Uint32Array,
  ) {}

  static empty(size: number): Bitset {
    return new Bitset(size, new Uint32Array((size + 31) >>> 5));
  }

  static full(size: number): Bitset {
    const words = new Uint32Array((size + 31) >>> 5).fill(0xffffffff);
    const tail = size & 31;
    if (tail !== 0) words[words.length - 1] = (1 << tail) - 1;
    return new Bitset(size, words);
  }

  static of(size: number, members: Iterable<number>): Bitset {
    const words = new Uint32Array((size + 31) >>> 5);
    for (const member of members) words[member >>> 5]! |= 1 << (member & 31);
    return new Bitset(size, words);
  }

  has(index: number): boolean {
    return ((this.words[index >>> 5] ?? 0) & (1 << (index & 31))) !== 0;
  }

  and(other: Bitset): Bitset {
    const out = new Uint32Array(this.words.length);
    for (let i = 0; i < out.length; i++) out[i] = this.words[i]! & other.words[i]!;
    return new Bitset(this.size, out);
  }

  or(other: Bitset): Bitset {
    const out = new Uint32Array(this.words.length);
    for (let i = 0; i < out.length; i++) out[i] = this.words[i]! | other.words[i]!;
    return new Bitset(this.size, out);
  }

  /** Members of this set that are not in `other`. */
  andNot(other: Bitset): Bitset {
    const out = new Uint32Array(this.words.length);
    for (let i = 0; i < out.length; i++) out[i] = this.words[i]! & ~other.words[i]!;
    return new Bitset(this.size, out);
  }

  isEmpty(): boolean {
    for (const word of this.words) if (word !== 0) return false;
    return true;
  }

  count(): number {
    let total = 0;
    for (let word of this.words) {
      word = word - ((word >>> 1) & 0x55555555);
      word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
      total += (((word + (word >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return total;
  }

  /** Members in ascending order. */
  *members(): IterableIterator<number> {
    for (let w = 0; w < this.words.length; w++) {
      let word = this.words[w]!;
      while (word !== 0) {
        const lowest = word & -word;
        yield (w << 5) + (31 - Math.clz32(lowest));
        word ^= lowest;
      }
    }
  }
}
