import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'invalid-type';

describe("rule 'invalid-type'", () => {
  it('reports a string where a list is expected, at the value', () => {
    const text = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: web
spec:
  types: Ingress
`;
    const [diagnostic] = findings(text, CODE);
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'error', line: 6, column: 10 }]);
    expect(diagnostic?.span).toMatchObject({ endLine: 6, endColumn: 17 });
    expect(diagnostic?.data).toMatchObject({ expected: 'a list', actual: 'a string' });
  });

  it('reports a number where a label value (a string) is expected', () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels:\n    version: 2\n';
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'error', line: 6, column: 14 }]);
  });
});
