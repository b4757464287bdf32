import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

describe("rule 'missing-tier'", () => {
  it('reports a tier no Tier resource defines, at the policy\'s tier value', () => {
    const text = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: deny-ssh
spec:
  tier: securty
  selector: all()
  ingress:
    - action: Deny
`;
    expect(positions(findings(text, 'missing-tier'))).toEqual([{ severity: 'error', line: 6, column: 9 }]);
  });

  it('accepts built-in tiers and defined tiers', () => {
    const text = `apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: a}
spec: {tier: security, selector: all()}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: b}
spec: {tier: kube-admin, selector: all()}
`;
    expect(findings(text, 'missing-tier')).toEqual([]);
  });
});
