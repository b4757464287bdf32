import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'pass-in-last-tier';

const TIER = `apiVersion: projectcalico.org/v3
kind: Tier
metadata:
  name: security
spec:
  order: 100
---
`;

function gnp(name: string, body: string): string {
  return `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: ${name}
spec:
${body}`;
}

describe("rule 'pass-in-last-tier'", () => {
  it('reports a Pass rule in the last tier with policy for that direction, at the rule', () => {
    const text = `${TIER}${gnp('guard', `  tier: security\n  selector: all()\n  types: [Ingress, Egress]\n  ingress:\n    - action: Pass\n  egress:\n    - action: Pass\n`)}---
${gnp('k8s-like', `  selector: app == 'api'\n  ingress:\n    - action: Allow\n`)}`;
    // Ingress: the default tier comes later and has ingress policy. Egress: security is last.
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'info', line: 19, column: 7 }]);
    expect(findings(text, CODE)[0]?.data).toMatchObject({ messageId: 'passRule', direction: 'egress' });
  });

  it('reports a user tier whose default action is Pass when it is the last tier, at the tier', () => {
    const text = `apiVersion: projectcalico.org/v3
kind: Tier
metadata:
  name: last
spec:
  order: 2000000
  defaultAction: Pass
---
${gnp('p', `  tier: last\n  selector: all()\n  ingress:\n    - action: Deny\n      protocol: TCP\n`)}`;
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'info', line: 1, column: 1 }]);
    expect(findings(text, CODE)[0]?.data?.messageId).toBe('passDefault');
  });

  it('does not report Pass when a later tier has policy for the direction, nor staged or doNotTrack policies', () => {
    const cases = [
      `${TIER}${gnp('guard', `  tier: security\n  selector: all()\n  ingress:\n    - action: Pass\n`)}---\n${gnp('later', `  selector: all()\n  ingress:\n    - action: Allow\n`)}`,
      `apiVersion: projectcalico.org/v3\nkind: StagedGlobalNetworkPolicy\nmetadata: {name: s}\nspec:\n  selector: all()\n  ingress:\n    - action: Pass\n`,
      gnp('raw', `  selector: all()\n  doNotTrack: true\n  applyOnForward: true\n  ingress:\n    - action: Pass\n`),
    ];
    for (const text of cases) expect(findings(text, CODE), text).toEqual([]);
  });

  it('does not report the default Pass of built-in tiers', () => {
    const text = gnp('baseline', `  tier: kube-baseline\n  selector: all()\n  ingress:\n    - action: Deny\n      protocol: UDP\n`);
    expect(findings(text, CODE)).toEqual([]);
  });
});
