import { describe, expect, it } from 'vitest';
import { LabError, LAB_NAMESPACE_PATTERN, calicoInterfaceName, canonicalAddress, createTopology, namespacesOf } from '../../src/verify/index.js';

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('invalid-topology');
    return (error as LabError).message;
  }
  throw new Error('expected an invalid-topology error');
}

describe('lab topology (no root needed)', () => {
  it('derives namespace and interface names from the run id', () => {
    const topology = createTopology({
      runId: '4242-abcdef12',
      workloads: [{ name: 'a', ipv4: '10.65.0.1' }, { name: 'b', interfaceName: 'calib', ipv6: 'fd00:65::2' }],
      externalHosts: [{ name: 'ext', ipv4: '10.67.0.10' }],
      hostEndpoints: [{ name: 'hep', interfaceName: 'eth0' }],
    });
    expect(topology.prefix).toBe('calpol-4242-abcdef12');
    expect(namespacesOf(topology)).toEqual([
      'calpol-4242-abcdef12-node',
      'calpol-4242-abcdef12-up',
      'calpol-4242-abcdef12-w0',
      'calpol-4242-abcdef12-w1',
    ]);
    for (const namespace of namespacesOf(topology)) expect(namespace).toMatch(LAB_NAMESPACE_PATTERN);
    expect(topology.workloads[0]?.interfaceName).toBe(calicoInterfaceName('a'));
    expect(topology.workloads[0]?.interfaceName).toMatch(/^cali[0-9a-f]{11}$/);
    expect(topology.workloads[1]?.interfaceName).toBe('calib');
    expect(topology.externalHosts[0]?.namespace).toBe('calpol-4242-abcdef12-up');
    expect(topology.hostEndpoints[0]?.expectedIPs).toEqual(['10.64.0.1', 'fd00:64::1']);
  });

  it('gives each run a new unique prefix', () => {
    const first = createTopology({ workloads: [] });
    const second = createTopology({ workloads: [] });
    expect(first.prefix).not.toBe(second.prefix);
    expect(first.prefix.startsWith(`calpol-${process.pid}-`)).toBe(true);
  });

  it('reports every problem at once', () => {
    const message = problemsOf(() =>
      createTopology({
        runId: 'x',
        workloads: [
          { name: 'a', interfaceName: 'cali-this-name-is-too-long', ipv4: '10.65.0.1' },
          { name: 'a', ipv4: '10.65.0.1', ipv6: '10.65.0.9' },
          { name: 'c', ipv4: '169.254.1.1' },
          { name: 'd', interfaceName: 'eth0', ipv6: 'fd00:65:0::2' },
          { name: 'e', ipv6: 'fd00:65::2' },
        ],
        hostEndpoints: [{ name: 'hep', interfaceName: 'eth1/x', expectedIPs: ['10.65.0.1', '127.0.0.1'] }],
      }),
    );
    expect(message).toContain('run id "x"');
    expect(message).toContain('cali-this-name-is-too-long');
    expect(message).toContain('endpoint name "a" is used twice');
    expect(message).toContain('10.65.0.1 is already used by a');
    expect(message).toContain('10.65.0.9 is not an IPv6 address');
    expect(message).toContain('169.254.1.1 is link-local');
    expect(message).toContain('interface name "eth0" is used twice');
    expect(message).toContain('fd00:65::2 is already used by d');
    expect(message).toContain('interface name "eth1/x" must be');
    expect(message).toContain('host endpoint hep: 10.65.0.1 is already used by a');
    expect(message).toContain('host endpoint hep: 127.0.0.1 is reserved');
  });

  it('compares IPv6 addresses in one spelling', () => {
    expect(canonicalAddress('FD00:0065:0::0002')).toBe('fd00:65::2');
    expect(canonicalAddress('10.65.0.1')).toBe('10.65.0.1');
    expect(canonicalAddress('not-an-ip')).toBeUndefined();
  });
});
