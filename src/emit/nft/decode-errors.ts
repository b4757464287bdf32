/** Input that is not a document calpol emits: `path` points into the JSON (`nftables[4].add.rule.expr[2]`). */
export class NftDecodeError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'NftDecodeError';
  }
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object's only key and its value (nft silently uses only the first key of a command). */
export function onlyEntry(value: unknown, path: string): [string, Json] {
  if (!isObject(value)) throw new NftDecodeError(path, 'expected an object');
  const keys = Object.keys(value);
  if (keys.length !== 1) throw new NftDecodeError(path, `expected exactly one key, found ${keys.length === 0 ? 'none' : keys.join(', ')}`);
  const key = keys[0] as string;
  return [key, value[key] as Json];
}

/** Checks an object's keys: all `required` present, nothing outside `required` + `optional`. */
export function expectKeys(value: unknown, path: string, required: readonly string[], optional: readonly string[] = []): JsonObject {
  if (!isObject(value)) throw new NftDecodeError(path, 'expected an object');
  for (const key of required) if (!(key in value)) throw new NftDecodeError(path, `missing "${key}"`);
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) throw new NftDecodeError(path, `unexpected "${key}"`);
  }
  return value;
}

export function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new NftDecodeError(path, 'expected a string');
  return value;
}

export function expectInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new NftDecodeError(path, `expected an integer in ${min}..${max}`);
  }
  return value;
}

export function expectArray(value: unknown, path: string): Json[] {
  if (!Array.isArray(value)) throw new NftDecodeError(path, 'expected an array');
  return value;
}
