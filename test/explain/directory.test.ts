import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EndpointDirectory } from '../../src/explain/index.js';
import { loadModel } from '../../src/model/index.js';
import { clusterArb, clusterYaml } from '../eval/run-generate.js';

describe('EndpointDirectory', () => {
  it('answers a name the same by scanning (first lookups) and by its index (later ones)', () => {
    fc.assert(
      fc.property(clusterArb, (shape) => {
        const model = loadModel([{ file: 'cluster.yaml', bytes: new TextEncoder().encode(clusterYaml(shape)) }]);
        const endpoints = model.inventory.endpoints;
        const references = endpoints.flatMap((e) =>
          e.kind === 'host' ? [`hep:${e.name}`, e.name] : [e.name, `${e.namespace}/${e.name}`, `x${e.name}`, `${e.namespace}/`],
        );
        const scanned = references.map((reference) => new EndpointDirectory(model.inventory).byReference(reference));
        const warm = new EndpointDirectory(model.inventory);
        for (let i = 0; i < 5; i++) warm.byReference('warm-up');
        const indexed = references.map((reference) => warm.byReference(reference));
        expect(scanned).toEqual(indexed);
        expect(scanned.filter((found) => found.length === 1).length).toBeGreaterThanOrEqual(endpoints.length);
      }),
      { seed: 20261123, numRuns: 100 },
    );
  });
});
