import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'ambiguous-order';

function policy(kind: string, name: string, body: string, namespace?: string): string {
  const ns = namespace === undefined ? '' : `\n  namespace: ${namespace}`;
  return `apiVersion: projectcalico.org/v3
kind: ${kind}
metadata:
  name: ${name}${ns}
spec:
${body}`;
}

const join = (...documents: string[]) => documents.join('---\n');
const DENY_SSH = `  order: 100\n  selector: app == 'web'\n  ingress:\n    - action: Deny\n      protocol: TCP\n      destination:\n        ports: [22]\n`;
const ALLOW_ALL = `  order: 100\n  selector: app == 'web'\n  ingress:\n    - action: Allow\n`;

describe("rule 'ambiguous-order'", () => {
  it('reports two equal-order policies whose rules decide a packet differently, at the later one', () => {
    const text = join(policy('GlobalNetworkPolicy', 'a-deny', DENY_SSH), policy('GlobalNetworkPolicy', 'b-allow', ALLOW_ALL));
    // a-deny is lines 1-12, `---` line 13, b-allow starts on line 14.
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'warning', line: 14, column: 1 }]);
  });

  it('names what each tie-break runs first when they disagree', () => {
    const text = join(
      policy('GlobalNetworkPolicy', 'zz-deny', DENY_SSH.replace("app == 'web'", 'all()')),
      policy('NetworkPolicy', 'aa-allow', ALLOW_ALL.replace("app == 'web'", ''), 'shop'),
    );
    const [found] = findings(text, CODE);
    expect(found?.span?.line).toBe(14);
    expect(found?.data?.calpolFirst).toBe('GlobalNetworkPolicy zz-deny');
    expect(found?.data?.upstreamFirst).toBe('NetworkPolicy shop/aa-allow');
  });

  it('reports policies that both have no order', () => {
    const text = join(
      policy('GlobalNetworkPolicy', 'p1', `  selector: all()\n  ingress:\n    - action: Pass\n`),
      policy('GlobalNetworkPolicy', 'p2', `  selector: all()\n  ingress:\n    - action: Deny\n      protocol: UDP\n`),
    );
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'warning', line: 10, column: 1 }]);
  });

  it('does not report identical policies, or policies that only ever allow', () => {
    const same = `  order: 5\n  selector: all()\n  ingress:\n    - action: Deny\n      protocol: TCP\n      destination:\n        ports: [22]\n    - action: Allow\n`;
    expect(findings(join(policy('GlobalNetworkPolicy', 'x', same), policy('GlobalNetworkPolicy', 'y', same)), CODE)).toEqual([]);
    const allowOnly = `  order: 5\n  selector: all()\n  ingress:\n    - action: Allow\n      protocol: TCP\n`;
    expect(findings(join(policy('GlobalNetworkPolicy', 'x', allowOnly), policy('GlobalNetworkPolicy', 'y', ALLOW_ALL)), CODE)).toEqual([]);
  });

  it('does not report different orders, different namespaces, or rules that match different packets', () => {
    const cases = [
      join(policy('GlobalNetworkPolicy', 'a', DENY_SSH), policy('GlobalNetworkPolicy', 'b', ALLOW_ALL.replace('order: 100', 'order: 101'))),
      join(
        policy('NetworkPolicy', 'a', DENY_SSH.replace("app == 'web'", ''), 'one'),
        policy('NetworkPolicy', 'b', ALLOW_ALL.replace("app == 'web'", ''), 'two'),
      ),
      join(
        policy('GlobalNetworkPolicy', 'a', DENY_SSH),
        policy('GlobalNetworkPolicy', 'b', `  order: 100\n  selector: app == 'web'\n  ingress:\n    - action: Allow\n      protocol: UDP\n`),
      ),
      join(
        policy('GlobalNetworkPolicy', 'a', DENY_SSH),
        policy('GlobalNetworkPolicy', 'b', `  order: 100\n  selector: app == 'web'\n  ingress:\n    - action: Allow\n      source:\n        nets: [10.0.0.0/8]\n      protocol: TCP\n      destination:\n        notPorts: ['1:1024']\n`),
      ),
      // Without endpoints, unrelated selectors are not assumed to overlap.
      join(policy('GlobalNetworkPolicy', 'a', DENY_SSH), policy('GlobalNetworkPolicy', 'b', ALLOW_ALL.replace("app == 'web'", "app == 'db'"))),
      // Different chains (doNotTrack) never meet.
      join(policy('GlobalNetworkPolicy', 'a', DENY_SSH), policy('GlobalNetworkPolicy', 'b', `${ALLOW_ALL}  doNotTrack: true\n  applyOnForward: true\n`)),
    ];
    for (const text of cases) expect(findings(text, CODE), text).toEqual([]);
  });

  it('ignores staged policies', () => {
    const text = join(policy('GlobalNetworkPolicy', 'a', DENY_SSH), policy('StagedGlobalNetworkPolicy', 'b', ALLOW_ALL));
    expect(findings(text, CODE)).toEqual([]);
  });

  it('with endpoints, requires a common selected endpoint and a witness address from the selectors', () => {
    const pods = `apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
  - apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: shop, labels: {app: web, tier: front}}
    spec: {nodeName: node-1, containers: [{name: web}]}
    status: {podIP: 10.65.0.10}
  - apiVersion: v1
    kind: Pod
    metadata: {name: db, namespace: shop, labels: {app: db}}
    spec: {nodeName: node-1, containers: [{name: db}]}
    status: {podIP: 10.65.0.11}
`;
    const overlapping = join(
      pods,
      policy('GlobalNetworkPolicy', 'a', DENY_SSH.replace("app == 'web'", "tier == 'front'")),
      policy('GlobalNetworkPolicy', 'b', `  order: 100\n  selector: app == 'web'\n  ingress:\n    - action: Allow\n      source:\n        selector: app == 'db'\n`),
    );
    expect(positions(findings(overlapping, CODE))).toEqual([{ severity: 'warning', line: 29, column: 1 }]);
    const disjoint = join(
      pods,
      policy('GlobalNetworkPolicy', 'a', DENY_SSH.replace("app == 'web'", "app == 'db'")),
      policy('GlobalNetworkPolicy', 'b', ALLOW_ALL),
    );
    expect(findings(disjoint, CODE)).toEqual([]);
    const noSource = join(
      pods,
      policy('GlobalNetworkPolicy', 'a', DENY_SSH),
      policy('GlobalNetworkPolicy', 'b', `  order: 100\n  selector: app == 'web'\n  ingress:\n    - action: Allow\n      source:\n        selector: app == 'cache'\n`),
    );
    expect(findings(noSource, CODE)).toEqual([]);
  });
});
