import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'unknown-field';

describe("rule 'unknown-field'", () => {
  it("reports the seeds' selctor typo at the key", () => {
    const text = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: test-network-policy
  namespace: default
spec:
  selctor:   run == 'source-ip-app'
`;
    const [diagnostic] = findings(text, CODE);
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'error', line: 7, column: 3 }]);
    expect(diagnostic?.span).toMatchObject({ endLine: 7, endColumn: 10 });
    expect(diagnostic?.data).toMatchObject({ field: 'selctor', suggestion: 'selector' });
  });

  it('reports unknown fields inside rules, and none for known or server-set fields', () => {
    const text = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: web
  uid: 4d2e
  resourceVersion: "12"
  creationTimestamp: "2024-01-01T00:00:00Z"
spec:
  selector: app == 'web'
  ingress:
    - action: Allow
      source:
        nets: [10.0.0.0/8]
        port: [80]
`;
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'error', line: 14, column: 9 }]);
  });
});
