import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/ir/index.js';
import { buildTierPlan } from '../../../src/tiers/index.js';
import { modelFromYaml } from '../../helpers/model.js';

function compileDiagnostics(yaml: string, node?: string) {
  const model = modelFromYaml(yaml);
  const plan = buildTierPlan(model.policySet, model.inventory);
  return buildProgram(plan, node === undefined ? {} : { node }).diagnostics;
}

describe("rule 'uncompilable-endpoint'", () => {
  it('reports a local host endpoint without interfaceName at the endpoint', () => {
    const diagnostics = compileDiagnostics(`apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata:
  name: node1
spec:
  node: node-1
  expectedIPs: [192.0.2.10]
`);
    expect(diagnostics.map((d) => [d.code, d.severity, d.span?.line, d.span?.column, d.data?.messageId])).toEqual([
      ['uncompilable-endpoint', 'error', 1, 1, 'noInterface'],
    ]);
  });

  it('is silent for an endpoint on another node, and for a named interface', () => {
    const yaml = `apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata: {name: node1}
spec: {node: node-1, expectedIPs: [192.0.2.10]}
---
apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata: {name: node2}
spec: {node: node-2, interfaceName: eth0, expectedIPs: [192.0.2.11]}
`;
    expect(compileDiagnostics(yaml, 'node-2')).toEqual([]);
  });

  it('reports two endpoints on one interface', () => {
    const diagnostics = compileDiagnostics(`apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata: {name: a}
spec: {node: n, interfaceName: eth0}
---
apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata: {name: b}
spec: {node: n, interfaceName: eth0}
`);
    expect(diagnostics.map((d) => [d.code, d.data?.messageId])).toEqual([['uncompilable-endpoint', 'sharedInterface']]);
  });
});
