import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'log-only-policy';

function gnp(name: string, body: string): string {
  return `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: ${name}
spec:
${body}`;
}

describe("rule 'log-only-policy'", () => {
  it('reports a policy whose rules are all Log, at the policy', () => {
    const text = gnp('log-everything', `  selector: all()\n  types: [Ingress, Egress]\n  ingress:\n    - action: Log\n  egress:\n    - action: Log\n      protocol: TCP\n`);
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'warning', line: 1, column: 1 }]);
    expect(findings(text, CODE)[0]?.data?.direction).toBe('ingress and egress');
  });

  it('reports one direction when only that one is Log-only', () => {
    const text = gnp('mixed', `  selector: all()\n  types: [Ingress, Egress]\n  ingress:\n    - action: Log\n  egress:\n    - action: Log\n    - action: Allow\n`);
    expect(findings(text, CODE).map((d) => d.data?.direction)).toEqual(['ingress']);
  });

  it('does not report a rule-less default deny, a Log followed by a decision, or a direction the policy does not govern', () => {
    const cases = [
      gnp('deny', `  selector: all()\n  types: [Ingress]\n`),
      gnp('log-then-allow', `  selector: all()\n  ingress:\n    - action: Log\n    - action: Allow\n`),
      gnp('egress-only', `  selector: all()\n  types: [Ingress]\n  ingress:\n    - action: Allow\n  egress:\n    - action: Log\n`),
    ];
    for (const text of cases) expect(findings(text, CODE), text).toEqual([]);
  });

  it('does not report where the tier ends in Pass, staged policies, or doNotTrack policies', () => {
    const cases = [
      `apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: audit}\nspec: {order: 10, defaultAction: Pass}\n---\n${gnp('audit', `  tier: audit\n  selector: all()\n  ingress:\n    - action: Log\n`)}`,
      `apiVersion: projectcalico.org/v3\nkind: StagedGlobalNetworkPolicy\nmetadata: {name: s}\nspec:\n  selector: all()\n  ingress:\n    - action: Log\n`,
      gnp('raw', `  selector: all()\n  doNotTrack: true\n  applyOnForward: true\n  ingress:\n    - action: Log\n`),
    ];
    for (const text of cases) expect(findings(text, CODE), text).toEqual([]);
  });
});
