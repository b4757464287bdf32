import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIptables, emitIptables, lowerForIptables, originLookupFor } from '../../../src/emit/iptables/index.js';
import type { Program } from '../../../src/ir/index.js';
import { programArb } from './generate.js';
import { differences, inputsFor } from './helpers.js';

/**
 * Properties over random IR programs (seeded): lowering keeps every verdict, mark, log,
 * NAT and conntrack effect and the deciding rule's origin; the files give the lowered
 * program back; output does not depend on anything but the program.
 */

describe('iptables properties over random programs', () => {
  it('run(lower(p)) = run(p) on inputs built from p (500 programs × 300 inputs)', () => {
    fc.assert(
      fc.property(programArb, fc.integer({ min: 1, max: 1_000_000 }), (program, seed) => {
        const lowered = lowerForIptables(program);
        expect(differences(program, lowered, inputsFor(program, 300, seed), 2)).toEqual([]);
      }),
      { seed: 20260823, numRuns: 500 },
    );
  });

  it('decode(emit(lower(p))) = lower(p), and the bytes do not depend on the order of chains, sets, maps and hooks', () => {
    fc.assert(
      fc.property(programArb, fc.integer(), (program, seed) => {
        const lowered = lowerForIptables(program);
        const files = emitIptables(lowered);
        expect(decodeIptables(files, originLookupFor(lowered))).toEqual(lowered);
        const shuffle = <T>(list: readonly T[]): T[] => fc.sample(fc.shuffledSubarray([...list], { minLength: list.length }), { seed, numRuns: 1 })[0] as T[];
        const shuffled: Program = {
          hooks: shuffle(program.hooks),
          chains: shuffle(program.chains),
          sets: shuffle(program.sets).map((set) => ({ ...set, elements: shuffle(set.elements) })),
          maps: shuffle(program.maps),
        };
        expect(emitIptables(lowerForIptables(shuffled))).toEqual(files);
      }),
      { seed: 20260824, numRuns: 300 },
    );
  });
});
