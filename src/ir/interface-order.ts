import { compareBytes } from '../tiers/index.js';

/**
 * Sorting interface map entries by interface name, in the order of JavaScript's string
 * `<` (UTF-16 code units), stable.
 *
 * Why not a comparator on the strings: a whole cluster's maps hold one entry per endpoint
 * and direction (100k at 50k pods). Each comparison follows two pointers to strings
 * scattered over a heap of a gigabyte, so the sort's cost per comparison grew with the
 * heap: it took 3.4× the time when the cluster doubled. Linux interface names are at most
 * 15 characters, so each name is packed into three numbers (five 8-bit characters each,
 * 40 bits, exact in a double) held side by side in one typed array, and the sort compares
 * those. A name that does not fit (longer, a character above 255, or a NUL, which would
 * tie with the padding) makes the whole sort fall back to comparing the strings.
 */

const CHARACTERS_PER_WORD = 5;
const WORDS = 3;
const MAX_PACKED_LENGTH = CHARACTERS_PER_WORD * WORDS;

/** Writes the name's three words at `keys[offset…offset+2]`; false when it does not fit. */
function packName(name: string, keys: Float64Array, offset: number): boolean {
  if (name.length > MAX_PACKED_LENGTH) return false;
  for (let word = 0; word < WORDS; word++) {
    let value = 0;
    for (let slot = 0; slot < CHARACTERS_PER_WORD; slot++) {
      const position = word * CHARACTERS_PER_WORD + slot;
      const code = position < name.length ? name.charCodeAt(position) : 0;
      if (position < name.length && (code === 0 || code > 255)) return false;
      value = value * 256 + code;
    }
    keys[offset + word] = value;
  }
  return true;
}

/** A new array of the items sorted by `nameOf(item)`; items with equal names keep their order. */
export function sortByInterfaceName<T>(items: readonly T[], nameOf: (item: T) => string): T[] {
  const count = items.length;
  const keys = new Float64Array(count * WORDS);
  for (let index = 0; index < count; index++) {
    if (!packName(nameOf(items[index] as T), keys, index * WORDS)) {
      return [...items].sort((a, b) => compareBytes(nameOf(a), nameOf(b)));
    }
  }
  const order = new Uint32Array(count);
  for (let index = 0; index < count; index++) order[index] = index;
  order.sort((a, b) => {
    const first = a * WORDS;
    const second = b * WORDS;
    for (let word = 0; word < WORDS; word++) {
      const difference = (keys[first + word] as number) - (keys[second + word] as number);
      if (difference !== 0) return difference;
    }
    return a - b;
  });
  const sorted = new Array<T>(count);
  for (let index = 0; index < count; index++) sorted[index] = items[order[index] as number] as T;
  return sorted;
}
