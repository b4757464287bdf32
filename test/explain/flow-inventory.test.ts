import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticSpan } from '../../src/diag/index.js';
import { referenceEvaluator, type EndpointToHostAction } from '../../src/eval/index.js';
import { EndpointDirectory, flowInventory, resolveFlow, type FlowSpec } from '../../src/explain/index.js';
import { loadModel, type Model } from '../../src/model/index.js';
import { buildTierPlan } from '../../src/tiers/index.js';
import { clusterArb, clusterYaml, flowArb, flowFor } from '../eval/run-generate.js';

/**
 * `calpol explain` plans only the endpoints a flow touches (flowInventory). The trace must
 * be the one planning the whole inventory gives, for every flow.
 */

function load(yaml: string): Model {
  const model = loadModel([{ file: 'cluster.yaml', bytes: new TextEncoder().encode(yaml) }]);
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('\n'));
  return model;
}

/** [trace planning everything, trace planning the flow's inventory] for one flow. */
function bothTraces(model: Model, spec: Omit<FlowSpec, 'span' | 'fieldSpans'>, endpointToHostAction: EndpointToHostAction = 'drop') {
  const resolved = resolveFlow({ ...spec, span: syntheticSpan('<test>'), fieldSpans: {} }, new EndpointDirectory(model.inventory));
  if (!resolved.ok) return undefined;
  const whole = referenceEvaluator(buildTierPlan(model.policySet, model.inventory), { endpointToHostAction }).evaluate(resolved.flow);
  const part = referenceEvaluator(buildTierPlan(model.policySet, flowInventory(model.inventory, resolved.flow)), { endpointToHostAction }).evaluate(resolved.flow);
  return { whole, part, inventorySize: flowInventory(model.inventory, resolved.flow).endpoints.length };
}

describe('flowInventory', () => {
  it('gives the same trace as the whole inventory on random clusters and flows', () => {
    let compared = 0;
    fc.assert(
      fc.property(clusterArb, fc.array(flowArb, { minLength: 20, maxLength: 20 }), fc.constantFrom<EndpointToHostAction>('drop', 'accept', 'return'), (shape, flows, action) => {
        const model = load(clusterYaml(shape));
        const ends = model.inventory.endpoints.map((e) => ({ name: e.kind === 'host' ? `hep:${e.name}` : `${e.namespace ?? ''}/${e.name}`, kind: e.kind, node: e.node }));
        for (const flowShape of flows) {
          const traces = bothTraces(model, flowFor(flowShape, ends), action);
          if (!traces) continue;
          expect(traces.part).toEqual(traces.whole);
          compared++;
        }
      }),
      { seed: 20261123, numRuns: 150 },
    );
    expect(compared).toBeGreaterThan(1000);
  });

  it('keeps an endpoint that is not an end but owns the packet’s address (it is in the selector’s IP set)', () => {
    const model = load(`
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec: {nodeName: node-1}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: shop, labels: {app: server}}
spec: {nodeName: node-1}
status: {podIP: 10.0.0.2}
---
apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata: {name: special, labels: {role: special}}
spec: {node: node-2, interfaceName: eth1, expectedIPs: [10.0.0.1]}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: from-special}
spec:
  selector: app == 'server'
  ingress:
  - action: Allow
    source: {selector: role == 'special'}
`);
    const traces = bothTraces(model, { src: 'shop/client', dst: 'shop/server', protocol: 'TCP', port: 80 });
    expect(traces?.inventorySize).toBe(3);
    expect(traces?.whole.verdict).toBe('allow');
    expect(traces?.part).toEqual(traces?.whole);
  });
});
