import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EffectiveLabels, type Labels } from '../../src/model/normalize/labels.js';

/** The definition, written the plain way: own labels win, then the first profile with a key; keys sorted. */
function plainEffectiveLabels(own: Labels, profiles: string[], labelsOf: (name: string) => Labels | undefined): Labels {
  const merged: Labels = { ...own };
  for (const profile of profiles) {
    for (const [key, value] of Object.entries(labelsOf(profile) ?? {})) if (!(key in merged)) merged[key] = value;
  }
  const sorted: Labels = {};
  for (const key of Object.keys(merged).sort()) sorted[key] = merged[key] as string;
  return sorted;
}

const key = fc.constantFrom('app', 'tier', 'pcns.team', 'pcsa.role', 'a', 'Z', 'x/y', 'k8s-app', '9', 'é', 'app2');
const labels = fc.dictionary(key, fc.constantFrom('web', 'db', '', '1'), { maxKeys: 6 });

describe('EffectiveLabels', () => {
  it('equals the plain definition, key order included, with its per-profile-list cache reused', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('ns', 'sa', 'p1', 'p2'), labels),
        fc.array(fc.record({ own: labels, profiles: fc.array(fc.constantFrom('ns', 'sa', 'p1', 'p2', 'missing'), { maxLength: 4 }) }), {
          maxLength: 8,
        }),
        (profileLabels, holders) => {
          const labelsOf = (name: string) => profileLabels[name];
          const effective = new EffectiveLabels(labelsOf);
          for (const holder of holders) {
            const got = effective.of(holder.own, holder.profiles);
            const want = plainEffectiveLabels(holder.own, holder.profiles, labelsOf);
            expect(Object.entries(got)).toEqual(Object.entries(want));
          }
        },
      ),
      { seed: 20261123, numRuns: 400 },
    );
  });
});
