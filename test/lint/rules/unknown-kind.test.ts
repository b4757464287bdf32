import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'unknown-kind';

describe("rule 'unknown-kind'", () => {
  it('warns about a kind calpol does not read, at the kind', () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n';
    const [diagnostic] = findings(text, CODE);
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'warning', line: 2, column: 7 }]);
    expect(diagnostic?.span).toMatchObject({ endLine: 2, endColumn: 17 });
  });

  it('warns that extensions/v1beta1 is read as networking.k8s.io/v1, at the apiVersion', () => {
    const text = 'apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata:\n  name: np\n  namespace: default\nspec:\n  podSelector: {}\n';
    const [diagnostic] = findings(text, CODE);
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'warning', line: 1, column: 13 }]);
    expect(diagnostic?.data).toMatchObject({ messageId: 'deprecatedApiVersion' });
  });
});
