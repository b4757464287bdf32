import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const example = 'examples/tiers-with-pass';

describe('calpol explain', () => {
  it('exit 1 on deny, naming the deciding tier, policy, rule and YAML line', async () => {
    const result = await runCli(['explain', example, '--src', 'lab/suspect', '--dst', 'shop/api', '--proto', 'tcp', '--dport', '8080']);
    expect(result.code).toBe(1);
    const [verdict, decided] = result.stdout.split('\n');
    expect(verdict).toMatch(/^DENY tcp 10\.65\.0\.12:40000 -> 10\.65\.0\.10:8080/);
    expect(decided).toContain('GlobalNetworkPolicy security-guardrails: ingress rule 0 (Deny) at examples/tiers-with-pass/policy.yaml:23:7');
  });

  it('exit 0 on allow; JSON carries the verdict and every stage', async () => {
    const result = await runCli(['explain', example, '--src', 'shop/frontend', '--dst', '10.65.0.10', '--proto', 'TCP', '--dport', '8080', '-f', 'json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.verdict).toBe('allow');
    expect(json.stages.map((s: { title: string; outcome: string }) => [s.title, s.outcome])).toEqual([
      ['egress from shop/frontend', 'allow'],
      ['ingress to shop/api', 'allow'],
    ]);
    const passStep = json.stages[1].steps.find((s: { kind: string; action?: string; matched?: boolean }) => s.kind === 'rule' && s.action === 'Pass' && s.matched);
    expect(passStep.location).toBe('examples/tiers-with-pass/policy.yaml:26:7');
  });

  it('--verbose shows the rules that did not match and why', async () => {
    const result = await runCli(['explain', example, '--src', 'shop/frontend', '--dst', 'shop/api', '--proto', 'tcp', '--dport', '9090', '--verbose']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('did not match: port 9090 is not in destination.ports [8080]');
    expect(result.stdout).toContain('end of tier default: Deny');
  });

  it('unknown endpoints and bad flags are usage errors (exit 2)', async () => {
    const unknown = await runCli(['explain', example, '--src', 'shop/nobody', '--dst', 'shop/api', '--proto', 'tcp', '--dport', '80']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no endpoint "shop/nobody"');
    expect((await runCli(['explain', example, '--src', 'shop/api', '--dst', 'shop/api', '--proto', 'tcp'])).code).toBe(2);
    expect((await runCli(['explain', example, '--src', 'shop/api', '--dst', 'shop/frontend', '--proto', 'gre', '--dport', '1'])).code).toBe(2);
    expect((await runCli(['explain', example, '--dst', 'shop/api', '--proto', 'tcp'])).code).toBe(2);
  });

  it('--via nft|iptables runs the emitted ruleset and cites the YAML of the rules hit', async () => {
    for (const via of ['nft', 'iptables']) {
      const denied = await runCli(['explain', example, '--src', 'lab/suspect', '--dst', 'shop/api', '--proto', 'tcp', '--dport', '8080', '--via', via]);
      expect(denied.code, denied.stderr).toBe(1);
      expect(denied.stdout.split('\n')[0]).toBe(`DENY by the emitted ${via} ruleset`);
      expect(denied.stdout).toContain('p:gnp/security-guardrails:i:0 at examples/tiers-with-pass/policy.yaml:23:7');
      const allowed = await runCli(['explain', example, '--src', 'shop/frontend', '--dst', 'shop/api', '--proto', 'tcp', '--dport', '8080', '--via', via, '-f', 'json']);
      expect(allowed.code).toBe(0);
      expect(JSON.parse(allowed.stdout)).toMatchObject({ verdict: 'allow', via, referenceVerdict: 'allow' });
    }
  });
});
