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

  it('reports destination.domains (Calico Enterprise DNS policy) like allowedEgressDomains, at the domains key', () => {
    const domains = text.replace('ingress:', 'egress:').replace('      protocol: TCP\n      http:\n        methods: [GET]\n', '      destination:\n        domains: [example.com]\n');
    expect(positions(findings(domains, CODE))).toEqual([{ severity: 'error', line: 9, column: 9 }]);
    expect(findings(domains, CODE, { allowUnsupported: true }).map((d) => [d.severity, d.data?.messageId])).toEqual([['warning', 'neverMatches']]);
  });

  it('skipped, a Deny or Pass denies what its other fields match (fail closed), an Allow never matches', async () => {
    const policy = (action: string) =>
      `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: p\nspec:\n  selector: all()\n  egress:\n` +
      `    - action: ${action}\n      destination:\n        domains: [example.com]\n    - action: Allow\n`;
    expect(findings(policy('Pass'), CODE, { allowUnsupported: true }).map((d) => d.data?.messageId)).toEqual(['deniesWithout']);
    const { runCli } = await import('../../helpers/cli.js');
    const explain = async (action: string) => {
      const result = await runCli(['explain', '-', '--allow-unsupported', '--src', '10.0.0.1', '--dst', '10.0.0.2', '--proto', 'tcp', '--dport', '443', '--egress-hep', 'h'], {
        stdin: `${policy(action)}---\napiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata: {name: h}\nspec: {node: n, interfaceName: eth0, expectedIPs: [10.0.0.1]}\n`,
      });
      return result.stdout.split('\n')[0]?.split(' ')[0];
    };
    // The cluster passes example.com to the next tier and allows the rest: calpol denies all.
    expect(await explain('Pass')).toBe('DENY');
    // The cluster allows example.com and everything else through rule 1: so does calpol (rule 1).
    expect(await explain('Allow')).toBe('ALLOW');
  });
});
