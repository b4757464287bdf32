import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'unknown-kind';

describe("rule 'unknown-kind'", () => {
  it('notes a kind that carries no policy, at the kind', () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n';
    const [diagnostic] = findings(text, CODE);
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'info', line: 2, column: 7 }]);
    expect(diagnostic?.span).toMatchObject({ endLine: 2, endColumn: 17 });
  });

  it('refuses a known kind under an apiVersion that does not serve it, at the apiVersion', () => {
    const text = 'apiVersion: projectcalico.org/v2\nkind: GlobalNetworkPolicy\nmetadata:\n  name: x\n';
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'error', line: 1, column: 13 }]);
    expect(findings(text, CODE)[0]?.data).toMatchObject({ messageId: 'unknownApiVersion' });
  });

  it('refuses extensions/v1beta1 NetworkPolicy (removed in Kubernetes 1.16), at the apiVersion', () => {
    const text = 'apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata:\n  name: np\n  namespace: default\nspec:\n  podSelector: {}\n';
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'error', line: 1, column: 13 }]);
    expect(findings(text, CODE)[0]?.data).toMatchObject({ messageId: 'removedApiVersion' });
  });

  it("refuses Calico's v1 API and a misspelt Calico kind, at the kind", () => {
    const text = 'apiVersion: v1\nkind: policy\nmetadata:\n  name: x\n---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicyy\nmetadata:\n  name: y\n';
    expect(positions(findings(text, CODE))).toEqual([
      { severity: 'error', line: 2, column: 7 },
      { severity: 'error', line: 7, column: 7 },
    ]);
    expect(findings(text, CODE).map((d) => d.data?.messageId)).toEqual(['calicoV1', 'unknownKindWithSuggestion']);
  });

  it('refuses a policy kind calpol does not enforce; --allow-unsupported makes it a warning', () => {
    const text = 'apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata:\n  name: default\n';
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'error', line: 2, column: 7 }]);
    expect(positions(findings(text, CODE, { allowUnsupported: true }))).toEqual([{ severity: 'warning', line: 2, column: 7 }]);
  });
});
