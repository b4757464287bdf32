import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'unsupported-field';

const text = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: web
spec:
  ingress:
    - action: Allow
      protocol: TCP
      http:
        methods: [GET]
`;

describe("rule 'unsupported-field'", () => {
  it('is an error by default, at the http key', () => {
    const [diagnostic] = findings(text, CODE);
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'error', line: 9, column: 7 }]);
    expect(diagnostic?.span).toMatchObject({ endLine: 9, endColumn: 11 });
  });

  it('is a warning with allowUnsupported', () => {
    expect(positions(findings(text, CODE, { allowUnsupported: true }))).toEqual([{ severity: 'warning', line: 9, column: 7 }]);
  });

  it('reports a Service match at the services key', () => {
    const services = text.replace('      protocol: TCP\n      http:\n        methods: [GET]\n', '      source:\n        services: {name: api, namespace: default}\n');
    expect(positions(findings(services, CODE))).toEqual([{ severity: 'error', line: 9, column: 9 }]);
  });
});
