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

describe('endpoint chains are shared by endpoints with the same policies and profiles', () => {
  const spec = `  selector: app == 'web'
  ingress: [{action: Allow, protocol: TCP, destination: {ports: [8080]}}]
`;

  it('two endpoints the same policies select share one chain; every interface is still dispatched to it', () => {
    const built = buildNode1({ a: ['10.0.0.1', { app: 'web' }], b: ['10.0.0.2', { app: 'web' }] }, spec);
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const ingressChains = built.program.chains.filter((chain) => chain.name.startsWith('cp-tw-'));
    expect(ingressChains.map((chain) => chain.name)).toEqual([expect.stringMatching(/^cp-tw-[0-9a-f]{22}$/)]);
    const toWorkload = built.program.maps.find((map) => map.name === 'cp-m-to-wl');
    expect(toWorkload?.entries.map((entry) => entry.target)).toEqual([ingressChains[0]?.name, ingressChains[0]?.name]);
    expect(new Set(toWorkload?.entries.map((entry) => entry.interface)).size).toBe(2);
    const rules = ingressChains[0]?.rules ?? [];
    expect(rules.every((rule) => Object.isFrozen(rule) && Object.isFrozen(rule.actions[0]))).toBe(true);
    // Nothing in the shared chain names an endpoint.
    expect(rules.map((rule) => rule.origin.id).filter((id) => id.includes('workload/'))).toEqual([]);
    expect(rules.map((rule) => rule.origin.id)).toContain('t:default:i');
  });

  it('endpoints that differ get chains of their own, named by their rules whatever the input order', () => {
    const pods: Parameters<typeof cluster>[1] = { a: ['10.0.0.1', { app: 'web' }], b: ['10.0.0.2', { app: 'db' }], c: ['10.0.0.3', { app: 'web' }] };
    const built = buildNode1(pods, spec);
    const ingressChains = built.program.chains.filter((chain) => chain.name.startsWith('cp-tw-'));
    expect(ingressChains.length).toBe(2);
    const withPolicy = ingressChains.filter((chain) => chain.rules.some((rule) => rule.origin.id === 'p:gnp/web:i'));
    expect(withPolicy.length).toBe(1);
    const reversed = buildNode1({ c: pods.c, b: pods.b, a: pods.a } as typeof pods, spec);
    expect(reversed.program.chains.map((chain) => chain.name)).toEqual(built.program.chains.map((chain) => chain.name));
    const targetOf = (program: typeof built.program) =>
      Object.fromEntries((program.maps.find((map) => map.name === 'cp-m-to-wl')?.entries ?? []).map((entry) => [entry.interface, entry.target]));
    expect(targetOf(reversed.program)).toEqual(targetOf(built.program));
  });
});

describe('shared rules and iptables lowering', () => {
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
