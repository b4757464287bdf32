import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'unreachable-policy';

function gnp(name: string, body: string): string {
  return `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: ${name}
spec:
${body}`;
}

const join = (...documents: string[]) => documents.join('---\n');

const PODS = `apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
  - apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: shop, labels: {app: web}}
    spec: {nodeName: node-1, containers: [{name: web}]}
    status: {podIP: 10.65.0.10}
  - apiVersion: v1
    kind: Pod
    metadata: {name: db, namespace: shop, labels: {app: db}}
    spec: {nodeName: node-1, containers: [{name: db}]}
    status: {podIP: 10.65.0.11}
`;

describe("rule 'unreachable-policy'", () => {
  it('reports a policy after a lower-order catch-all policy with the same selector (no endpoints needed)', () => {
    const text = join(
      gnp('deny-all', `  order: 10\n  selector: app == 'web'\n  ingress:\n    - action: Deny\n`),
      gnp('allow-http', `  order: 20\n  selector: app == 'web'\n  ingress:\n    - action: Allow\n      protocol: TCP\n`),
    );
    // The second document starts on line 11.
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'warning', line: 11, column: 1 }]);
    expect(findings(text, CODE)[0]?.data?.messageId).toBe('unreachable');
  });

  it('uses selector implication without endpoints: all(), or a sub-conjunction', () => {
    const text = join(
      gnp('pass-all', `  order: 1\n  selector: all()\n  ingress:\n    - action: Pass\n`),
      gnp('narrow', `  order: 2\n  selector: app == 'web' && env == 'prod'\n  ingress:\n    - action: Allow\n`),
    );
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'warning', line: 11, column: 1 }]);
  });

  it('reports a policy in a later tier behind a catch-all Allow that never passes', () => {
    const text = join(
      `apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: first}\nspec: {order: 10}\n`,
      gnp('open', `  tier: first\n  selector: all()\n  types: [Ingress, Egress]\n  ingress:\n    - action: Allow\n  egress:\n    - action: Allow\n`),
      gnp('later', `  selector: app == 'db'\n  types: [Egress]\n  egress:\n    - action: Deny\n`),
    );
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'warning', line: 19, column: 1 }]);
  });

  it('does not report behind a catch-all Pass in an earlier tier, or when the earlier tier has a Pass before it', () => {
    const text = join(
      `apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: first}\nspec: {order: 10}\n`,
      gnp('passer', `  tier: first\n  order: 1\n  selector: app == 'x'\n  ingress:\n    - action: Pass\n      protocol: TCP\n`),
      gnp('open', `  tier: first\n  order: 2\n  selector: all()\n  ingress:\n    - action: Allow\n`),
      gnp('later', `  selector: app == 'db'\n  ingress:\n    - action: Deny\n`),
    );
    expect(findings(text, CODE)).toEqual([]);
  });

  it('does not report at equal order (that is a tie-break), nor when the earlier policy is not catch-all or selects less', () => {
    const text = join(
      gnp('a', `  order: 10\n  selector: app == 'web'\n  ingress:\n    - action: Deny\n`),
      gnp('b', `  order: 10\n  selector: app == 'web'\n  ingress:\n    - action: Allow\n`),
      gnp('c', `  order: 5\n  selector: app == 'db'\n  ingress:\n    - action: Deny\n      protocol: TCP\n`),
      gnp('d', `  order: 6\n  selector: app == 'db'\n  ingress:\n    - action: Allow\n`),
      gnp('e', `  order: 7\n  selector: app == 'db' || app == 'web'\n  ingress:\n    - action: Allow\n`),
    );
    expect(findings(text, CODE)).toEqual([]);
  });

  it('needs every governed direction covered', () => {
    const text = join(
      gnp('deny-in', `  order: 1\n  selector: all()\n  ingress:\n    - action: Deny\n`),
      gnp('both', `  order: 2\n  selector: app == 'web'\n  types: [Ingress, Egress]\n  ingress:\n    - action: Allow\n`),
    );
    expect(findings(text, CODE)).toEqual([]);
  });

  it('with endpoints, uses the endpoints the policies select', () => {
    const covered = join(
      PODS,
      gnp('deny-web', `  order: 1\n  selector: app == 'web'\n  ingress:\n    - action: Deny\n`),
      gnp('allow-shop', `  order: 2\n  selector: app in {'web', 'cache'}\n  ingress:\n    - action: Allow\n`),
    );
    // Only web exists: every endpoint allow-shop selects is covered by deny-web.
    const found = findings(covered, CODE);
    expect(positions(found)).toEqual([{ severity: 'warning', line: 26, column: 1 }]);
    const notCovered = join(
      PODS,
      gnp('deny-web', `  order: 1\n  selector: app == 'web'\n  ingress:\n    - action: Deny\n`),
      gnp('allow-shop', `  order: 2\n  selector: has(app)\n  ingress:\n    - action: Allow\n`),
    );
    expect(findings(notCovered, CODE)).toEqual([]);
  });

  it('with endpoints, does not report a policy that selects nothing (selector-matches-nothing does)', () => {
    const text = join(
      PODS,
      gnp('deny-all', `  order: 1\n  selector: all()\n  ingress:\n    - action: Deny\n`),
      gnp('ghost', `  order: 2\n  selector: app == 'ghost'\n  ingress:\n    - action: Allow\n`),
    );
    expect(findings(text, CODE)).toEqual([]);
  });

  it('ignores staged policies on both sides, and keeps doNotTrack policies apart from normal ones', () => {
    const text = join(
      `apiVersion: projectcalico.org/v3\nkind: StagedGlobalNetworkPolicy\nmetadata: {name: staged-deny}\nspec:\n  order: 1\n  selector: all()\n  ingress:\n    - action: Deny\n`,
      gnp('untracked', `  order: 2\n  selector: all()\n  doNotTrack: true\n  applyOnForward: true\n  ingress:\n    - action: Allow\n`),
      gnp('normal', `  order: 3\n  selector: all()\n  ingress:\n    - action: Allow\n      protocol: TCP\n`),
    );
    expect(findings(text, CODE)).toEqual([]);
  });
});
