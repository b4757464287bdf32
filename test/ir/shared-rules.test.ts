import { describe, expect, it } from 'vitest';
import { emitIptables, lowerForIptables } from '../../src/emit/iptables/index.js';
import { buildProgram } from '../../src/ir/index.js';
import { buildTierPlan } from '../../src/tiers/index.js';
import { cluster, modelFromYaml } from '../helpers/model.js';

describe('endpoint chains share the rules that do not name their endpoint', () => {
  it('the same frozen objects in every endpoint chain; the endpoint-specific drops stay their own', () => {
    const yaml = `${cluster('shop', { a: ['10.0.0.1', { app: 'web' }], b: ['10.0.0.2', { app: 'web' }] })}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: web}
spec:
  selector: app == 'web'
  ingress: [{action: Allow, protocol: TCP, destination: {ports: [8080]}}]
`;
    const model = modelFromYaml(yaml);
    const built = buildProgram(buildTierPlan(model.policySet, model.inventory), { node: 'node-1' });
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
    const yaml = `${cluster('shop', { a: ['10.0.0.1', { app: 'web' }], b: ['10.0.0.2', { app: 'web' }], c: ['10.0.0.3', { app: 'db' }] })}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: web}
spec:
  selector: app == 'web'
  ingress: [{action: Allow, protocol: TCP, source: {selector: app == 'db'}, destination: {ports: [8080]}}]
  egress: [{action: Pass}]
`;
    const model = modelFromYaml(yaml);
    const program = buildProgram(buildTierPlan(model.policySet, model.inventory), { node: 'node-1' }).program;
    const first = emitIptables(lowerForIptables(program));
    const second = emitIptables(lowerForIptables(program));
    expect(second).toEqual(first);
    const again = buildProgram(buildTierPlan(model.policySet, model.inventory), { node: 'node-1' }).program;
    expect(emitIptables(lowerForIptables(again))).toEqual(first);
  });
});
