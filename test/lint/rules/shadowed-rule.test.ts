import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticSpan } from '../../../src/diag/index.js';
import { effectiveMatch, IpSets, parsePrefix, type Packet } from '../../../src/eval/index.js';
import { ruleCovers, rulesDisjoint } from '../../../src/lint/rules/match-space.js';
import { overlapWitness } from '../../../src/lint/rules/overlap.js';
import type { Endpoint, EntityMatch, IcmpMatch, PolicyRule, PortMatch, ProtocolMatch, RuleAction } from '../../../src/model/index.js';
import { parseSelector, type Selector } from '../../../src/selector/index.js';
import { buildTierPlan } from '../../../src/tiers/index.js';
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

/* ------------------------------------------------------------------------------------
 * Soundness of the rule geometry behind shadowed-rule (ruleCovers) and ambiguous-order
 * (rulesDisjoint, overlapWitness), against the reference matcher eval/match.ts on
 * generated rules (valid or not) and packets over a small endpoint inventory.
 * ---------------------------------------------------------------------------------- */

const seed = Number(process.env.CALPOL_PROPERTY_SEED ?? 20_261_124);
const span = syntheticSpan('<generated>');

function selector(text: string): Selector {
  const parsed = parseSelector(text);
  if (!parsed.ok) throw new Error(text);
  return parsed.selector;
}

const SELECTORS = ["app == 'a'", "app == 'a' && env == 'x'", "env == 'x'", 'all()', "app in {'a', 'b'}"].map(selector);
const NETS = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '10.1.2.3/32', '192.168.0.0/16', 'fd00::/8', 'fd00::1/128'];
const PORTS: PortMatch[] = [
  { kind: 'range', min: 80, max: 80 },
  { kind: 'range', min: 20, max: 25 },
  { kind: 'range', min: 1, max: 1024 },
  { kind: 'range', min: 53, max: 53 },
  { kind: 'named', name: 'http' },
];

function endpoint(name: string, address: string, labels: Record<string, string>): Endpoint {
  return {
    key: `host/${name}`,
    kind: 'host',
    name,
    addresses: [address],
    labels,
    ownLabels: labels,
    profiles: [],
    namedPorts: [{ name: 'http', protocol: 'tcp', port: 8080 }],
    source: 'HostEndpoint',
    span,
  };
}

const ENDPOINTS = [
  endpoint('e1', '10.1.2.3/32', { app: 'a', env: 'x' }),
  endpoint('e2', '10.1.2.4/32', { app: 'b' }),
  endpoint('e3', '10.2.0.1/32', { env: 'x' }),
  endpoint('e4', '192.168.1.1/32', { app: 'a' }),
  endpoint('e5', 'fd00::1/128', { app: 'a', env: 'x' }),
];
const PLAN = buildTierPlan({ tiers: [], policies: [], profiles: [], networkSets: [], ipPools: [] }, { endpoints: ENDPOINTS });
const IP_SETS = new IpSets(PLAN);
const CONTEXT = { plan: PLAN, ipSets: IP_SETS, hasEndpoints: true };

/** Fields are absent most of the time, so that generated rule pairs often cover or overlap. */
const maybe = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary, weight: 1 });
const sparse = <T>(pool: T[], maxLength: number) =>
  fc.oneof({ arbitrary: fc.constant([] as T[]), weight: 3 }, { arbitrary: fc.subarray(pool, { minLength: 1, maxLength }), weight: 1 });
const side: fc.Arbitrary<EntityMatch> = fc.record({
  nets: sparse(NETS, 2),
  notNets: sparse(NETS, 1),
  selector: maybe(fc.constantFrom(...SELECTORS)),
  notSelector: maybe(fc.constantFrom(...SELECTORS)),
  ports: sparse(PORTS, 2),
  notPorts: sparse(PORTS, 1),
});
const icmp: fc.Arbitrary<IcmpMatch> = fc.record({ type: fc.constantFrom(0, 3, 8), code: maybe(fc.constantFrom(0, 1)) }, { requiredKeys: [] });
const rule: fc.Arbitrary<PolicyRule> = fc
  .record({
    action: fc.constantFrom<RuleAction>('Allow', 'Deny', 'Pass'),
    ipVersion: maybe(fc.constantFrom<4 | 6>(4, 6)),
    protocol: maybe(fc.constantFrom<ProtocolMatch>('tcp', 'udp', 6, 'icmp')),
    notProtocol: maybe(fc.constantFrom<ProtocolMatch>('tcp', 'udp')),
    icmp: maybe(icmp),
    notIcmp: maybe(icmp),
    source: side,
    destination: side,
  })
  .map((r) => {
    const out: PolicyRule = { index: 0, action: r.action, source: r.source, destination: r.destination, span };
    for (const key of ['ipVersion', 'protocol', 'notProtocol', 'icmp', 'notIcmp'] as const) {
      if (r[key] !== undefined) (out as unknown as Record<string, unknown>)[key] = r[key];
    }
    for (const s of [out.source, out.destination]) {
      if (s.selector === undefined) delete s.selector;
      if (s.notSelector === undefined) delete s.notSelector;
    }
    return out;
  });

const ADDRESSES = ['10.1.2.3', '10.1.2.4', '10.2.0.1', '192.168.1.1', '10.9.9.9', '8.8.8.8', 'fd00::1', 'fd00::2', '2001:db8::1'];
const packet: fc.Arbitrary<Packet> = fc
  .record({
    source: fc.constantFrom(...ADDRESSES),
    destination: fc.constantFrom(...ADDRESSES),
    protocol: fc.constantFrom(6, 17, 1),
    sourcePort: fc.constantFrom(22, 53, 80, 8080, 40000),
    destinationPort: fc.constantFrom(22, 53, 80, 8080, 2000),
    icmpType: fc.constantFrom(0, 3, 8),
    icmpCode: fc.constantFrom(0, 1),
  })
  .filter((p) => p.source.includes(':') === p.destination.includes(':'))
  .map((p) => {
    const source = parsePrefix(p.source)!;
    const built: Packet = {
      ipVersion: source.version,
      source,
      destination: parsePrefix(p.destination)!,
      sourceAddress: p.source,
      destinationAddress: p.destination,
      protocol: p.protocol,
    };
    if (p.protocol === 1) Object.assign(built, { icmpType: p.icmpType, icmpCode: p.icmpCode });
    else Object.assign(built, { sourcePort: p.sourcePort, destinationPort: p.destinationPort });
    return built;
  });

const matchesPacket = (r: PolicyRule, p: Packet) => effectiveMatch(r, p, IP_SETS).matched;

describe('rule geometry soundness (fast-check, seeded)', () => {
  it('ruleCovers(earlier, later): every packet later matches, earlier matches', () => {
    let covers = 0;
    fc.assert(
      fc.property(rule, rule, fc.array(packet, { minLength: 20, maxLength: 20 }), (earlier, later, packets) => {
        if (!ruleCovers(earlier, later)) return;
        covers++;
        for (const p of packets) if (matchesPacket(later, p)) expect(matchesPacket(earlier, p), JSON.stringify({ earlier, later, p }, bigints)).toBe(true);
      }),
      { seed, numRuns: 3000 },
    );
    expect(covers).toBeGreaterThan(20);
  });

  it('ruleCovers also holds for a rule against a narrowed copy of itself', () => {
    fc.assert(
      fc.property(rule, fc.constantFrom(...NETS), fc.array(packet, { minLength: 20, maxLength: 20 }), (earlier, net, packets) => {
        const later: PolicyRule = { ...earlier, source: { ...earlier.source, nets: earlier.source.nets.length > 0 ? earlier.source.nets : [net] } };
        for (const p of packets) {
          if (ruleCovers(earlier, later) && matchesPacket(later, p)) expect(matchesPacket(earlier, p)).toBe(true);
        }
      }),
      { seed, numRuns: 1000 },
    );
  });

  it('rulesDisjoint(a, b): no packet matches both', () => {
    fc.assert(
      fc.property(rule, rule, fc.array(packet, { minLength: 20, maxLength: 20 }), (a, b, packets) => {
        if (!rulesDisjoint(a, b)) return;
        for (const p of packets) expect(matchesPacket(a, p) && matchesPacket(b, p), JSON.stringify({ a, b, p }, bigints)).toBe(false);
      }),
      { seed, numRuns: 3000 },
    );
  });

  it('overlapWitness(a, b): the witness packet matches both rules', () => {
    let witnesses = 0;
    fc.assert(
      fc.property(rule, rule, (a, b) => {
        const witness = overlapWitness(a, b, CONTEXT);
        if (!witness) return;
        witnesses++;
        expect(matchesPacket(a, witness) && matchesPacket(b, witness), JSON.stringify({ a, b, witness }, bigints)).toBe(true);
      }),
      { seed, numRuns: 3000 },
    );
    expect(witnesses).toBeGreaterThan(20);
  });
});

function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
