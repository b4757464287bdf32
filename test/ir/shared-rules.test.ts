import { describe, expect, it } from 'vitest';
import { emitIptables, lowerForIptables } from '../../src/emit/iptables/index.js';
import { buildProgram } from '../../src/ir/index.js';
import { buildTierPlan } from '../../src/tiers/index.js';
import { cluster, modelFromYaml } from '../helpers/model.js';

/** Pods of namespace shop on node-1 plus one GlobalNetworkPolicy `web` with this spec, built for node-1. */
function buildNode1(pods: Parameters<typeof cluster>[1], policySpec: string) {
  const model = modelFromYaml(`${cluster('shop', pods)}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: web}
spec:
${policySpec}`);
  return buildProgram(buildTierPlan(model.policySet, model.inventory), { node: 'node-1' });
}

describe('endpoint chains share the rules that do not name their endpoint', () => {
  it('the same frozen objects in every endpoint chain; the endpoint-specific drops stay their own', () => {
    const built = buildNode1(
      { a: ['10.0.0.1', { app: 'web' }], b: ['10.0.0.2', { app: 'web' }] },
      `  selector: app == 'web'
  ingress: [{action: Allow, protocol: TCP, destination: {ports: [8080]}}]
`,
    );
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const ingressChains = built.program.chains.filter((chain) => chain.name.startsWith('cp-tw-'));
    expect(ingressChains.length).toBe(2);
    const [first, second] = ingressChains.map((chain) => chain.rules) as [typeof ingressChains[0]['rules'], typeof ingressChains[0]['rules']];
    expect(first.length).toBe(second.length);
    const policyJump = first.findIndex((rule) => rule.origin.id === 'p:web:i' || rule.origin.id.startsWith('p:'));
    expect(policyJump).toBeGreaterThan(0);
    expect(second[policyJump]).toBe(first[policyJump]);
    expect(Object.isFrozen(first[policyJump])).toBe(true);
    expect(Object.isFrozen(first[policyJump]?.actions[0])).toBe(true);
    const drop = first.findIndex((rule) => rule.origin.id.startsWith('t:'));
    expect(drop).toBeGreaterThan(0);
    expect(second[drop]).not.toBe(first[drop]);
    expect(second[drop]?.origin.id).not.toBe(first[drop]?.origin.id);
  });

  it('iptables lowers each shared rule once per program: lowering the same program twice gives the same output', () => {
    const pods: Parameters<typeof cluster>[1] = { a: ['10.0.0.1', { app: 'web' }], b: ['10.0.0.2', { app: 'web' }], c: ['10.0.0.3', { app: 'db' }] };
    const spec = `  selector: app == 'web'
  ingress: [{action: Allow, protocol: TCP, source: {selector: app == 'db'}, destination: {ports: [8080]}}]
  egress: [{action: Pass}]
`;
    const program = buildNode1(pods, spec).program;
    const first = emitIptables(lowerForIptables(program));
    const second = emitIptables(lowerForIptables(program));
    expect(second).toEqual(first);
    const again = buildNode1(pods, spec).program;
    expect(emitIptables(lowerForIptables(again))).toEqual(first);
  });
});
