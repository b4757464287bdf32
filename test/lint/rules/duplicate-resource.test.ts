import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'duplicate-resource';

const policy = (namespace: string) => `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: ${namespace}
spec:
  selector: app == 'web'
`;

describe("rule 'duplicate-resource'", () => {
  it('reports the second definition at its name, naming the first', () => {
    const text = `${policy('prod')}---\n${policy('prod')}`;
    const [diagnostic] = findings(text, CODE);
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'error', line: 12, column: 9 }]);
    expect(diagnostic?.span).toMatchObject({ endLine: 12, endColumn: 18 });
    expect(diagnostic?.data).toMatchObject({ first: 'input.yaml:4' });
  });

  it('does not report the same name in another namespace', () => {
    expect(findings(`${policy('prod')}---\n${policy('dev')}`, CODE)).toEqual([]);
  });
});
