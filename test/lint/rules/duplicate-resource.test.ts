import { describe, expect, it } from 'vitest';
import { findings, positions } from '../../helpers/lint.js';

const CODE = 'duplicate-resource';

const policy = (namespace: string, selector = "app == 'web'") => `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: ${namespace}
spec:
  selector: ${selector}
`;

describe("rule 'duplicate-resource'", () => {
  it('reports copies that differ at the later one, naming the first and the fields that differ', () => {
    const text = `${policy('prod')}---\n${policy('prod', "app == 'api'")}`;
    const [diagnostic] = findings(text, CODE);
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'error', line: 12, column: 9 }]);
    expect(diagnostic?.span).toMatchObject({ endLine: 12, endColumn: 18 });
    expect(diagnostic?.data).toMatchObject({ messageId: 'differs', first: 'input.yaml:4', fields: '/spec/selector' });
  });

  it('reads identical copies once, with a note', () => {
    const text = `${policy('prod')}---\n${policy('prod')}`;
    expect(positions(findings(text, CODE))).toEqual([{ severity: 'info', line: 12, column: 9 }]);
  });

  it('a Namespace from a manifest and from a cluster dump (server-set fields and label) is one resource', () => {
    const manifest = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {team: a}\n';
    const dump =
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  uid: "42"\n  labels: {team: a, kubernetes.io/metadata.name: shop}\n' +
      '  annotations: {kubectl.kubernetes.io/last-applied-configuration: "{}"}\nspec: {finalizers: [kubernetes]}\nstatus: {phase: Active}\n';
    expect(findings(`${dump}---\n${manifest}`, CODE).map((d) => d.severity)).toEqual(['info']);
  });

  it('blames the later copy by position, whatever the order of the files', () => {
    const first = { file: 'a.yaml', text: policy('prod') };
    const second = { file: 'b.yaml', text: policy('prod', "app == 'api'") };
    for (const order of [[first, second], [second, first]]) {
      const found = findings('', CODE, { files: order });
      expect(found.map((d) => `${d.span?.file}:${d.span?.line}`)).toEqual(['b.yaml:4']);
    }
  });

  it('does not report the same name in another namespace', () => {
    expect(findings(`${policy('prod')}---\n${policy('dev')}`, CODE)).toEqual([]);
  });
});
