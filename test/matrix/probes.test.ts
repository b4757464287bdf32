import { describe, expect, it } from 'vitest';
import { defaultProbes, parseProbes, type Probe } from '../../src/matrix/index.js';
import { normalize, type Resource } from '../../src/model/index.js';

const labels = (probes: Probe[]) => probes.map((probe) => probe.label);

describe('--port lists', () => {
  it.each([
    ['tcp/80', ['tcp/80']],
    ['TCP/80, udp/53,icmp', ['tcp/80', 'udp/53', 'icmp']],
    ['8080', ['tcp/8080']],
    ['sctp/9,icmpv6', ['sctp/9', 'icmpv6']],
    ['tcp/80,tcp/80,80', ['tcp/80']],
    ['udp/53,tcp/22', ['udp/53', 'tcp/22']],
  ])('%s', (text, expected) => {
    const parsed = parseProbes(text);
    expect(parsed.ok && labels(parsed.probes)).toEqual(expected);
  });

  it('ICMP probes carry no port; port probes carry their protocol number', () => {
    const parsed = parseProbes('icmp,udp/53');
    expect(parsed.ok && parsed.probes).toEqual([
      { protocol: 'icmp', protocolNumber: 1, label: 'icmp' },
      { protocol: 'udp', protocolNumber: 17, port: 53, label: 'udp/53' },
    ]);
  });

  it.each([
    ['', 'no port given'],
    ['http', '"http": expected'],
    ['tcp/0', 'port must be 1-65535'],
    ['tcp/65536', 'port must be 1-65535'],
    ['icmp/8', '"icmp/8": expected'],
    ['gre/1', '"gre/1": expected'],
  ])('rejects %j', (text, message) => {
    const parsed = parseProbes(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(message);
  });
});

let offset = 0;
function policy(name: string, rules: unknown[]): Resource {
  offset += 10;
  const span = { file: 'p.yaml', line: offset, column: 1, endLine: offset, endColumn: 2, offset, length: 1 };
  return { apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: { name }, spec: { selector: 'all()', ingress: rules }, span, spans: {} } as unknown as Resource;
}

const policySet = (...resources: Resource[]) => normalize(resources).policySet;

describe('default ports', () => {
  it('tcp/80 when no policy names a port', () => {
    expect(defaultProbes(policySet(policy('open', [{ action: 'Allow' }])))).toEqual({ probes: [expect.objectContaining({ label: 'tcp/80' })], mentioned: 0 });
  });

  it('numeric destination ports with their protocol; the first port of a range; named ports and source ports ignored', () => {
    const set = policySet(
      policy('p', [
        { action: 'Allow', protocol: 'UDP', destination: { ports: [53, 'dns'] } },
        { action: 'Allow', protocol: 'TCP', destination: { ports: ['8000:8100', 443] }, source: { ports: [1234] } },
        { action: 'Deny', protocol: 'ICMP' },
      ]),
    );
    expect(labels(defaultProbes(set).probes)).toEqual(['tcp/443', 'tcp/8000', 'udp/53']);
  });

  it('keeps the most mentioned ports when there are more than the limit, sorted by protocol then port', () => {
    const rules = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((port) => ({ action: 'Allow', protocol: 'TCP', destination: { ports: [port] } }));
    const again = { action: 'Allow', protocol: 'UDP', destination: { ports: [10, 9] } };
    const result = defaultProbes(policySet(policy('many', [...rules, again, again])), 4);
    expect(result.mentioned).toBe(12);
    expect(labels(result.probes)).toEqual(['tcp/1', 'tcp/2', 'udp/9', 'udp/10']);
  });
});
