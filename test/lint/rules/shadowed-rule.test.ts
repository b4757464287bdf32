import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'shadowed-rule';

/** A GlobalNetworkPolicy with the given ingress rules (YAML list items, indented 4). */
function policy(ingress: string): string {
  return `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: web
spec:
  selector: app == 'web'
  ingress:
${ingress}`;
}

const dataOf = (text: string) => findings(text, CODE).map((d) => ({ messageId: d.data?.messageId, earlier: d.data?.earlier, index: d.data?.index }));

describe("rule 'shadowed-rule'", () => {
  it('reports a rule after a catch-all Deny, at the shadowed rule', () => {
    const text = policy(`    - action: Deny
    - action: Allow
      protocol: TCP
      destination:
        ports: [80]
`);
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'warning', line: 9, column: 7 }]);
    expect(dataOf(text)).toEqual([{ messageId: 'shadowed', earlier: 0, index: 1 }]);
  });

  it('reports same-action shadowing as a dead rule (port range and CIDR containment)', () => {
    const text = policy(`    - action: Allow
      protocol: TCP
      source:
        nets: [10.0.0.0/8]
      destination:
        ports: ['8000:9000']
    - action: Allow
      protocol: TCP
      source:
        nets: [10.1.2.0/24]
      destination:
        ports: [8080, '8100:8200']
`);
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'warning', line: 14, column: 7 }]);
    expect(dataOf(text)).toEqual([{ messageId: 'redundant', earlier: 0, index: 1 }]);
  });

  it('reports a rule covered by a protocol-wide rule with identical selectors and a Pass', () => {
    const text = policy(`    - action: Pass
      protocol: UDP
      source:
        selector: role == 'db'
    - action: Deny
      protocol: UDP
      source:
        selector: role == 'db'
      destination:
        ports: [53]
    - action: Log
      protocol: UDP
      source:
        selector: role == 'db' && tier == 'x'
`);
    expect(positions(findings(text, CODE))).toEqual([
      { severity: 'warning', line: 12, column: 7 },
      { severity: 'warning', line: 18, column: 7 },
    ]);
  });

  it('does not report when the earlier rule is narrower in any field', () => {
    const text = policy(`    - action: Deny
      protocol: TCP
      destination:
        ports: [80]
    - action: Allow
      protocol: TCP
      destination:
        ports: [80, 443]
    - action: Allow
      source:
        nets: [10.1.0.0/16]
    - action: Deny
      source:
        nets: [10.0.0.0/8]
    - action: Allow
      protocol: UDP
      source:
        selector: role == 'a'
    - action: Allow
      protocol: UDP
      source:
        selector: role == 'b'
`);
    expect(findings(text, CODE)).toEqual([]);
  });

  it('does not report after a Log rule, or after an earlier rule with a negation the later one lacks', () => {
    const cases = [
      `    - action: Log
    - action: Allow
      protocol: TCP
`,
      `    - action: Deny
      protocol: TCP
      destination:
        notPorts: [22]
    - action: Allow
      protocol: TCP
      destination:
        ports: [20, 21, 22]
`,
      `    - action: Deny
      notProtocol: UDP
    - action: Allow
      source:
        nets: [192.168.0.0/16]
`,
      `    - action: Deny
      source:
        notSelector: role == 'a'
    - action: Allow
      source:
        selector: role == 'b'
`,
    ];
    for (const ingress of cases) expect(findings(policy(ingress), CODE), ingress).toEqual([]);
  });

  it('accepts negations the later rule also has, and ports outside the exclusion', () => {
    const text = policy(`    - action: Deny
      protocol: TCP
      source:
        notNets: [10.0.0.0/8]
      destination:
        notPorts: [22]
    - action: Allow
      protocol: TCP
      source:
        nets: [192.168.1.0/24]
      destination:
        ports: [80]
    - action: Allow
      protocol: TCP
      source:
        notNets: [10.0.0.0/8]
      destination:
        notPorts: ['20:25']
`);
    expect(positions(findings(text, CODE))).toEqual([
      { severity: 'warning', line: 14, column: 7 },
      { severity: 'warning', line: 20, column: 7 },
    ]);
  });

  it('respects IP families: an IPv4-only rule does not shadow a rule without nets', () => {
    const text = policy(`    - action: Deny
      source:
        nets: [0.0.0.0/0]
    - action: Allow
`);
    expect(dataOf(text)).toEqual([]);
    const v4 = policy(`    - action: Deny
      source:
        nets: [0.0.0.0/0]
    - action: Allow
      ipVersion: 4
      protocol: TCP
`);
    expect(positions(findings(v4, CODE))).toEqual([{ severity: 'warning', line: 11, column: 7 }]);
  });

  it('does not count an Allow with an unsupported part (it never matches) as covering', () => {
    const text = policy(`    - action: Allow
      http:
        methods: [GET]
    - action: Allow
      protocol: TCP
`);
    expect(findings(text, CODE, { allowUnsupported: true })).toEqual([]);
  });

  it('checks egress rules and namespaced policies the same way', () => {
    const text = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: out
  namespace: shop
spec:
  egress:
    - action: Allow
      protocol: UDP
      destination:
        ports: [53]
    - action: Allow
      protocol: UDP
      destination:
        ports: [53]
        namespaceSelector: all()
`;
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'warning', line: 12, column: 7 }]);
  });
});
