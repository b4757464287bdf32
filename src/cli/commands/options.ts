import { InvalidArgumentError } from 'commander';
import type { DeclaredTier } from '../../model/index.js';

/** Commander argument parser for a whole number ≥ 0. */
export function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number ≥ 0.');
  return Number(value);
}

/** Commander argument parser restricted to a fixed list of choices. */
export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}.`);
    }
    return value as T;
  };
}

/** Commander collector for repeatable `--tier NAME[:ORDER]` (a DNS label, then a number). */
export function declaredTier(value: string, previous: DeclaredTier[] = []): DeclaredTier[] {
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?::(-?\d+(?:\.\d+)?))?$/.exec(value);
  if (!match || (match[1] as string).length > 63) throw new InvalidArgumentError('expected NAME or NAME:ORDER, with NAME a tier name (lower-case letters, digits and -) and ORDER a number.');
  const tier: DeclaredTier = { name: match[1] as string };
  if (match[3] !== undefined) tier.order = Number(match[3]);
  return [...previous, tier];
}
