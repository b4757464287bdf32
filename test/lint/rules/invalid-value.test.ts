import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'invalid-value';

function rule(lines: string): string {
  return `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: web
spec:
  ingress:
    - action: Allow
${lines}`;
}

describe("rule 'invalid-value'", () => {
  it('rejects a lower-case protocol name, at the value', () => {
    const [diagnostic] = findings(rule('      protocol: tcp\n'), CODE);
    expect(positions(findings(rule('      protocol: tcp\n'), CODE))).toEqual([{ severity: 'error', line: 8, column: 17 }]);
    expect(diagnostic?.span).toMatchObject({ endLine: 8, endColumn: 20 });
    expect(diagnostic?.data).toMatchObject({ messageId: 'protocolName', value: 'tcp' });
  });

  it('rejects port 0 and an unmasked CIDR, each at its list item', () => {
    const text = rule('      protocol: TCP\n      destination:\n        ports: [0]\n        nets: [10.0.0.1/8]\n');
    expect(positions(findings(text, CODE))).toEqual([
      { severity: 'error', line: 10, column: 17 },
      { severity: 'error', line: 11, column: 16 },
    ]);
  });

  it('rejects a bad metadata name at the name', () => {
    const text = rule('').replace('name: web', 'name: Web_Policy');
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'error', line: 4, column: 9 }]);
  });
});
