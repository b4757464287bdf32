import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labAvailability, labDown, listNamespaces, startLab, type Lab, type ProbeRequest } from '../../src/verify/index.js';

/**
 * What verify adds to the lab (root only; skipped with a printed notice elsewhere): host
 * endpoints' addresses on the node (on the uplink, or on a dummy interface named like the
 * endpoint's), probes from a host endpoint's address and from a fixed source port, pinned
 * IPv6 neighbours, and labs kept in place for `calpol lab up`.
 */

const availability = labAvailability();
const hasIpv6 = existsSync('/proc/sys/net/ipv6');
if (!availability.ok) console.warn(`[calpol] SKIPPED lab host-endpoint tests: ${availability.reason}`);
if (availability.ok && !hasIpv6) console.warn('[calpol] SKIPPED IPv6 lab host-endpoint checks: IPv6 is disabled in this kernel');

const options = { timeoutMs: 1_000, icmpTimeoutMs: 1_000 };
const v6 = <T>(value: T): T | undefined => (hasIpv6 ? value : undefined);

describe.skipIf(!availability.ok)('lab with host endpoints', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await startLab({
      node: { uplinkInterface: 'bond1' },
      workloads: [{ name: 'pod', ipv4: '10.65.0.1', ...(hasIpv6 ? { ipv6: 'fd00:65::1' } : {}) }],
      hostEndpoints: [
        { name: 'uplink-hep', interfaceName: 'bond1', expectedIPs: ['192.168.9.1', ...(hasIpv6 ? ['fd00:9::1'] : [])] },
        { name: 'storage-hep', interfaceName: 'eth7', expectedIPs: ['192.168.9.2'] },
      ],
      externalHosts: [{ name: 'ext', ipv4: '203.0.113.10', ...(hasIpv6 ? { ipv6: '2001:db8::10' } : {}) }],
      staticNeighbours: true,
    });
  });

  afterAll(async () => {
    const report = await lab?.teardown();
    expect(report?.failed).toEqual([]);
  });

  it('puts host endpoint addresses on the node: the uplink one reachable from outside, the dummy one from pods', async () => {
    const requests: ProbeRequest[] = [
      { from: 'ext', to: '192.168.9.1', protocol: 'tcp', port: 22 },
      { from: 'pod', to: '192.168.9.1', protocol: 'udp', port: 53 },
      { from: 'pod', to: '192.168.9.2', protocol: 'tcp', port: 9000 },
      { from: 'uplink-hep', to: '203.0.113.10', protocol: 'tcp', port: 443 },
      { from: 'storage-hep', to: '10.65.0.1', protocol: 'icmp' },
    ];
    const ipv6 = v6<ProbeRequest[]>([
      { from: 'ext', to: 'fd00:9::1', protocol: 'icmp' },
      { from: 'uplink-hep', to: '2001:db8::10', protocol: 'udp', port: 53 },
    ]);
    const results = await lab.probeAll([...requests, ...(ipv6 ?? [])], options);
    expect(results.map((r) => `${r.request.from}->${r.request.to}: ${r.outcome}`)).toEqual(results.map((r) => `${r.request.from}->${r.request.to}: allowed`));
    const links = await lab.exec(lab.topology.node.namespace, ['ip', '-o', 'addr', 'show', 'dev', 'eth7']);
    expect(links.stdout).toContain('192.168.9.2/32');
  });

  it('sends from a fixed source port, twice in a row (no TIME_WAIT left behind)', async () => {
    const request: ProbeRequest = { from: 'pod', to: '203.0.113.10', protocol: 'tcp', port: 8080, sourcePort: 40001 };
    expect((await lab.probe(request, options)).outcome).toBe('allowed');
    expect((await lab.probe(request, options)).outcome).toBe('allowed');
    expect((await lab.probe({ ...request, protocol: 'udp' }, options)).outcome).toBe('allowed');
    expect((await lab.probe({ ...request, sourcePort: 0 }, options)).reason).toBe('invalid-request');
  });

  it.skipIf(!hasIpv6)('pins IPv6 neighbours, so no neighbour discovery crosses a loaded ruleset', async () => {
    const pod = lab.topology.workloads[0]!;
    const podView = await lab.exec(pod.namespace, ['ip', '-6', 'neigh', 'show', 'dev', 'eth0']);
    expect(podView.stdout).toMatch(/fe80::ecee:eeff:feee:eeee lladdr ee:ee:ee:ee:ee:ee .*PERMANENT/);
    const nodeView = await lab.exec(lab.topology.node.namespace, ['ip', '-6', 'neigh', 'show', 'dev', pod.interfaceName]);
    expect(nodeView.stdout).toMatch(/fd00:65::1 lladdr \S+ .*PERMANENT/);
  });
});

describe.skipIf(!availability.ok)('a kept lab', () => {
  it('stays after its process lets go of it, until labDown removes it', async () => {
    const lab = await startLab({ workloads: [{ name: 'kept', ipv4: '10.65.4.1' }] });
    const names = await lab.keep();
    expect(names).toHaveLength(3);
    expect((await lab.teardown()).removed).toEqual([]);
    const present = (await listNamespaces()).filter((n) => n.startsWith(`${lab.topology.prefix}-`));
    expect(present.sort()).toEqual([...names].sort());
    // Our own process still runs: labDown leaves the lab alone unless forced.
    expect((await labDown(lab.topology.prefix)).inUse.sort()).toEqual([...names].sort());
    const report = await labDown(lab.topology.prefix, { force: true });
    expect(report.removed.sort()).toEqual([...names].sort());
    expect((await listNamespaces()).filter((n) => n.startsWith(`${lab.topology.prefix}-`))).toEqual([]);
  });
});
