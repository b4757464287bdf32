import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'missing-field';

describe("rule 'missing-field'", () => {
  it('reports a rule without an action at the rule', () => {
    const text = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: web
spec:
  ingress:
    - protocol: TCP
      destination:
        ports: [80]
`;
    const [diagnostic] = findings(text, CODE);
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'error', line: 7, column: 7 }]);
    expect(diagnostic?.data).toMatchObject({ field: 'action' });
  });

  it('reports a document without a kind at the document', () => {
    const text = 'apiVersion: projectcalico.org/v3\nmetadata:\n  name: web\n';
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'error', line: 1, column: 1 }]);
  });
});
