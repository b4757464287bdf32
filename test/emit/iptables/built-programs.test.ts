import { describe, expect, it } from 'vitest';
import { decodeIptables, emitIptables, lowerForIptables, originLookupFor } from '../../../src/emit/iptables/index.js';
import { builtPrograms } from './built.js';
import { differences, inputsFor } from './helpers.js';

/**
 * The backend on programs the IR builder makes (examples and generated clusters): the
 * lowered program means the same as the built one (IR evaluator, seeded inputs built from
 * the values each program tests), the files give it back, and the bytes are deterministic.
 */

const PROGRAMS = builtPrograms();

describe('iptables on built programs', () => {
  it('covers examples and generated clusters', () => {
    expect(PROGRAMS.length).toBeGreaterThan(12);
  });

  it.each(PROGRAMS)('%s: same verdicts after lowering and after the files are read back', (_name, make) => {
    const program = make();
    const lowered = lowerForIptables(program);
    const inputs = inputsFor(program, 1500, 11);
    expect(differences(program, lowered, inputs)).toEqual([]);
    const decoded = decodeIptables(emitIptables(lowered), originLookupFor(lowered));
    expect(decoded).toEqual(lowered);
    expect(emitIptables(lowerForIptables(structuredClone(program)))).toEqual(emitIptables(lowered));
  });
});
