import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'yaml-syntax';

describe("rule 'yaml-syntax'", () => {
  it('reports a duplicate key at the second key', () => {
    const text = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: web
spec:
  selector: app == 'web'
  selector: app == 'api'
`;
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'error', line: 7, column: 3 }]);
  });

  it('reports a tab used as indentation at the tab', () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: prod\n';
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'error', line: 4, column: 1 }]);
  });

  it('reports a document that is not a mapping, and each item of a list form that is not one', () => {
    expect(positions(findings('just a string\n', CODE))).toEqual([{ severity: 'error', line: 1, column: 1 }]);
    expect(positions(findings('- just\n- a list\n', CODE))).toEqual([
      { severity: 'error', line: 1, column: 3 },
      { severity: 'error', line: 2, column: 3 },
    ]);
  });
});
