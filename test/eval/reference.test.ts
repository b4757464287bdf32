import { describe, expect, it } from 'vitest';
import type { Step, Trace } from '../../src/eval/index.js';
import { cluster, verdictsFor } from '../helpers/model.js';
import { syntheticSpan } from '../../src/diag/index.js';
import { runFlow } from '../../src/eval/index.js';
import { EndpointDirectory, resolveFlow } from '../../src/explain/index.js';
import { nodeEvaluators } from './run-helpers.js';

const shop = cluster('shop', {
  web: ['10.0.0.1', { app: 'web' }],
  db: ['10.0.0.2', { app: 'db' }],
  cache: ['10.0.0.3', { app: 'cache' }],
});
const other = cluster('other', { tool: ['10.0.1.1', { app: 'web' }] });

const tcp = (src: string, dst: string, port: number) => ({ src, dst, protocol: 'TCP', port });
const stepKinds = (trace: Trace) => trace.stages.flatMap((stage) => stage.steps.map((step) => step.kind));
const decidingStep = (trace: Trace): Step | undefined => {
  const stage = trace.stages[trace.decidingStage];
  return stage && stage.decidedBy !== undefined ? stage.steps[stage.decidedBy] : undefined;
};

describe('reference evaluator: tiers', () => {
  const tiers = `
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 10}
---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: platform}
spec: {order: 20, defaultAction: Pass}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: guard}
spec:
  tier: security
  selector: app == 'db'
  ingress:
    - {action: Deny, protocol: TCP, destination: {ports: [22]}}
    - {action: Pass, protocol: TCP}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: platform-log}
spec:
  tier: platform
  selector: app == 'db'
  ingress:
    - {action: Log}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: shop}
spec:
  selector: app == 'db'
  ingress:
    - {action: Allow, source: {selector: app == 'web'}}
`;
  const v = verdictsFor(`${tiers}\n---\n${shop}\n---\n${other}`);

  it('Pass hands the packet to the next tier; a Pass-default tier falls through; default tier allows', () => {
    const trace = v.check(tcp('shop/web', 'shop/db', 5432));
    expect(trace.verdict).toBe('allow');
    const ingress = trace.stages.at(-1)!;
    expect(ingress.steps.map((s) => s.kind)).toEqual(['rule', 'rule', 'rule', 'policy-no-match', 'end-of-tier', 'rule']);
    expect(ingress.steps[4]).toMatchObject({ kind: 'end-of-tier', tier: 'platform', action: 'Pass' });
  });

  it('Deny in an earlier tier is final', () => {
    const trace = v.check(tcp('shop/web', 'shop/db', 22));
    expect(trace.verdict).toBe('deny');
    expect(decidingStep(trace)).toMatchObject({ kind: 'rule', action: 'Deny', matched: true, ruleIndex: 0 });
  });

  it('end of the default tier denies what no policy allowed', () => {
    const trace = v.check(tcp('shop/cache', 'shop/db', 5432));
    expect(trace.verdict).toBe('deny');
    expect(decidingStep(trace)).toMatchObject({ kind: 'end-of-tier', tier: 'default', action: 'Deny' });
  });

  it('a namespaced rule selector is scoped to its namespace (same labels elsewhere do not match)', () => {
    const trace = v.check(tcp('other/tool', 'shop/db', 5432));
    expect(trace.verdict).toBe('deny');
    const failed = trace.stages.at(-1)!.steps.find((s) => s.kind === 'rule' && s.owner.type === 'policy' && s.owner.name === 'db-from-web');
    expect(failed).toMatchObject({ matched: false, failed: 'source.selector' });
  });

  it('pods no policy selects are open through their kns profile', () => {
    const trace = v.check(tcp('shop/db', 'shop/web', 80));
    expect(trace.verdict).toBe('allow');
    expect(stepKinds(trace)).toEqual(['no-policy', 'rule', 'no-policy', 'rule']);
  });

  it('the tie-break option changes nothing when orders differ', () => {
    const upstream = verdictsFor(`${tiers}\n---\n${shop}\n---\n${other}`, { tieBreak: 'upstream' });
    for (const port of [22, 80, 5432]) {
      expect(upstream.check(tcp('shop/web', 'shop/db', port)).verdict).toBe(v.check(tcp('shop/web', 'shop/db', port)).verdict);
    }
  });
});

describe('reference evaluator: Calico corner cases', () => {
  it('a policy of only Log rules still ends in the tier drop (Calico issue 3801)', () => {
    const v = verdictsFor(`apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: log-only, namespace: shop}
spec:
  selector: app == 'db'
  ingress: [{action: Log}]
---
${shop}`);
    const trace = v.check(tcp('shop/web', 'shop/db', 5432));
    expect(trace.verdict).toBe('deny');
    expect(stepKinds(trace).slice(-3)).toEqual(['rule', 'policy-no-match', 'end-of-tier']);
  });

  it('staged policies are never enforced, and the trace says what they would have done', () => {
    const v = verdictsFor(`apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata: {name: lockdown, namespace: shop}
spec:
  selector: app == 'db'
  ingress: [{action: Deny}]
---
${shop}`);
    const trace = v.check(tcp('shop/web', 'shop/db', 5432));
    expect(trace.verdict).toBe('allow');
    const staged = trace.stages.at(-1)!.steps.find((s) => s.kind === 'staged');
    expect(staged).toMatchObject({ kind: 'staged', wouldBe: 'deny', ruleIndex: 0 });
    // A tier with only staged policies has no end-of-tier drop.
    expect(trace.stages.at(-1)!.steps.some((s) => s.kind === 'end-of-tier' && s.action === 'Deny')).toBe(false);
  });

  it('a policy with only egress rules defaults to types [Egress] and leaves ingress open', () => {
    const v = verdictsFor(`apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: egress-only, namespace: shop}
spec:
  selector: app == 'db'
  egress: [{action: Deny}]
---
${shop}`);
    expect(v.check(tcp('shop/web', 'shop/db', 5432)).verdict).toBe('allow');
    expect(v.check(tcp('shop/db', 'shop/web', 5432)).verdict).toBe('deny');
  });

  it('a notSelector without a positive selector lets addresses of no endpoint through', () => {
    const v = verdictsFor(`apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: not-web}
spec:
  selector: app == 'db'
  ingress: [{action: Allow, source: {notSelector: app == 'web'}}]
---
${shop}`);
    expect(v.check(tcp('shop/web', 'shop/db', 1)).verdict).toBe('deny');
    expect(v.check(tcp('shop/cache', 'shop/db', 1)).verdict).toBe('allow');
    expect(v.check(tcp('192.0.2.1', 'shop/db', 1)).verdict).toBe('allow');
  });

  it('named ports resolve through the destination endpoints container ports', () => {
    const v = verdictsFor(`apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: http-only, namespace: shop}
spec:
  selector: app == 'db'
  ingress: [{action: Allow, protocol: TCP, destination: {ports: [http]}}]
---
${shop}`);
    expect(v.check(tcp('shop/web', 'shop/db', 8080)).verdict).toBe('allow');
    expect(v.check(tcp('shop/web', 'shop/db', 8081)).verdict).toBe('deny');
  });

  it('a rule whose nets are all of the other IP family never matches that family (Felix drops it)', () => {
    const v = verdictsFor(`apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: v6-deny}
spec:
  selector: app == 'db'
  ingress:
    - {action: Deny, source: {notNets: ['fd00::/8']}}
    - {action: Allow}
---
${shop}`);
    expect(v.check(tcp('shop/web', 'shop/db', 1)).verdict).toBe('allow');
  });

  it('network sets put their nets into selector IP sets', () => {
    const v = verdictsFor(`apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata: {name: partners, labels: {trust: partner}}
spec: {nets: [198.51.100.0/24]}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: partners-in}
spec:
  selector: app == 'db'
  ingress: [{action: Allow, source: {selector: trust == 'partner'}}]
---
${shop}`);
    expect(v.check(tcp('198.51.100.7', 'shop/db', 443)).verdict).toBe('allow');
    expect(v.check(tcp('198.51.101.7', 'shop/db', 443)).verdict).toBe('deny');
  });
});

describe('reference evaluator: host endpoints', () => {
  const hep = `apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata: {name: node1-eth0, labels: {role: node}}
spec: {node: node-1, interfaceName: eth0, expectedIPs: [192.0.2.10]}
`;

  it('a host endpoint with no policy and no profile is closed except the failsafe ports', () => {
    const v = verdictsFor(hep);
    expect(v.check({ src: '192.0.2.99', dst: 'hep:node1-eth0', protocol: 'TCP', port: 443 }).verdict).toBe('deny');
    const ssh = v.check({ src: '192.0.2.99', dst: 'hep:node1-eth0', protocol: 'TCP', port: 22 });
    expect(ssh.verdict).toBe('allow');
    expect(decidingStep(ssh)).toMatchObject({ kind: 'failsafe', direction: 'inbound' });
  });

  it('failsafe ports override a Deny policy', () => {
    const v = verdictsFor(`${hep}---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: deny-all-host}
spec:
  selector: role == 'node'
  ingress: [{action: Deny}]
`);
    expect(v.check({ src: '192.0.2.99', dst: 'hep:node1-eth0', protocol: 'TCP', port: 22 }).verdict).toBe('allow');
    expect(v.check({ src: '192.0.2.99', dst: 'hep:node1-eth0', protocol: 'TCP', port: 23 }).verdict).toBe('deny');
  });

  it('forwarded traffic is allowed when no applyOnForward policy applies, and policed when one does', () => {
    const flow = { src: '203.0.113.5', dst: '198.51.100.5', protocol: 'TCP', port: 80, ingressHostEndpoint: 'node1-eth0' };
    expect(verdictsFor(hep).check(flow).verdict).toBe('allow');
    const v = verdictsFor(`${hep}---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: fwd}
spec:
  selector: role == 'node'
  applyOnForward: true
  ingress: [{action: Allow, protocol: TCP, destination: {ports: [443]}}]
`);
    expect(v.check(flow).verdict).toBe('deny');
    expect(v.check({ ...flow, port: 443 }).verdict).toBe('allow');
  });

  it('a preDNAT deny drops before any normal policy; its default is Pass', () => {
    const v = verdictsFor(`${hep}---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: block-bad}
spec:
  selector: role == 'node'
  preDNAT: true
  applyOnForward: true
  ingress: [{action: Deny, source: {nets: [203.0.113.0/24]}}]
---
apiVersion: projectcalico.org/v3
kind: Profile
metadata: {name: open}
spec:
  ingress: [{action: Allow}]
  egress: [{action: Allow}]
`.replace('expectedIPs: [192.0.2.10]}', 'expectedIPs: [192.0.2.10], profiles: [open]}'));
    expect(v.check({ src: '203.0.113.9', dst: 'hep:node1-eth0', protocol: 'TCP', port: 443 }).verdict).toBe('deny');
    expect(v.check({ src: '198.51.100.9', dst: 'hep:node1-eth0', protocol: 'TCP', port: 443 }).verdict).toBe('allow');
  });
});

describe('reference evaluator: IPv6 neighbour discovery to the host', () => {
  it('a workload may always send ND/MLD to its host, before any policy; other ICMPv6 follows the endpoint-to-host action', () => {
    const v = verdictsFor(`apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata: {name: node1-eth0}
spec: {node: node-1, interfaceName: eth0, expectedIPs: ['fd00:1::1']}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: deny-all-egress}
spec:
  selector: all()
  egress: [{action: Deny}]
---
${cluster('shop', { web: ['fd00:2::5', { app: 'web' }] })}`);
    const neighbour = v.check({ src: 'shop/web', dst: 'hep:node1-eth0', protocol: 'ICMPv6', icmpType: 135 });
    expect(neighbour.verdict).toBe('allow');
    expect(decidingStep(neighbour)).toMatchObject({ kind: 'icmpv6-to-host', type: 135 });
    expect(v.check({ src: 'shop/web', dst: 'hep:node1-eth0', protocol: 'ICMPv6', icmpType: 128 }).verdict).toBe('deny');
    // The emitted rulesets agree.
    const evaluators = nodeEvaluators(v.plan);
    for (const type of [135, 128]) {
      const resolved = resolveFlow({ src: 'shop/web', dst: 'hep:node1-eth0', protocol: 'ICMPv6', icmpType: type, span: syntheticSpan('<test>'), fieldSpans: {} }, new EndpointDirectory(v.model.inventory));
      if (!resolved.ok) throw new Error('unresolved');
      for (const target of ['ir', 'nft', 'iptables'] as const) {
        expect(runFlow(evaluators[target], resolved.flow).verdict, `${target} type ${type}`).toBe(type === 135 ? 'allow' : 'deny');
      }
    }
  });
});
