import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'invalid-selector';

function policy(selector: string): string {
  return `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: web
spec:
  selector: ${selector}
`;
}

describe("rule 'invalid-selector'", () => {
  it('points at the offending token inside a plain scalar', () => {
    // The lone `=` is at index 4 of the selector, which starts at column 13.
    const [diagnostic] = findings(policy("app = 'a'"), CODE);
    expect(diagnostic?.span).toMatchObject({ line: 6, column: 17, endLine: 6, endColumn: 18 });
  });

  it('points inside a quoted scalar (past the quote)', () => {
    // The lone `&` is at index 24; the quote is at column 13, the selector starts at 14.
    const text = policy(`"has(app) && tier == 'x' &"`);
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'error', line: 6, column: 38 }]);
  });

  it('rejects global() outside an EntityRule namespaceSelector, at the global()', () => {
    const [diagnostic] = findings(policy('global()'), CODE);
    expect(diagnostic?.span).toMatchObject({ line: 6, column: 13, endColumn: 21 });
    expect(diagnostic?.data).toMatchObject({ messageId: 'globalOnlyInNamespaceSelector' });
  });
});
