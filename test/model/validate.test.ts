import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diag/index.js';
import { loadResources } from '../../src/model/load/index.js';
import { validateResources, type ValidateOptions } from '../../src/model/validate/index.js';

function check(text: string, options: ValidateOptions = {}, file = 'in.yaml'): Diagnostic[] {
  const loaded = loadResources([{ file, bytes: new TextEncoder().encode(text) }]);
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return validateResources(loaded.resources, options).diagnostics;
}

function at(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.severity} ${d.code} ${d.span?.line}:${d.span?.column}-${d.span?.endColumn}`);
}

const NP = (spec: string) =>
  `apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: default\nspec:\n${spec}`;
const GNP = (spec: string) => `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: g\nspec:\n${spec}`;

describe('selector errors point into the YAML scalar', () => {
  it('plain scalar', () => {
    const diagnostics = check(NP("  selector: app == 'web' && tier = 'x'\n"));
    expect(diagnostics.map((d) => d.message)).toEqual(['invalid selector: expected ==']);
    // The `=` is at index 21 of the selector; the scalar starts at column 13.
    expect(at(diagnostics)).toEqual(['error invalid-selector 7:34-35']);
  });

  it('single-quoted scalar', () => {
    expect(at(check(NP("  selector: 'app == \"web\" && tier = \"x\"'\n")))).toEqual(['error invalid-selector 7:35-36']);
  });

  it('double-quoted scalar with escapes before the error', () => {
    // Two `\"` escapes before the error: two more source characters than value characters.
    expect(at(check(NP('  selector: "app == \\"web\\" && tier = \\"x\\""\n')))).toEqual(['error invalid-selector 7:37-38']);
  });

  it('folded block scalar, second line', () => {
    expect(at(check(NP("  selector: >-\n    app == 'web' &&\n    tier = 'x'\n")))).toEqual(['error invalid-selector 9:10-11']);
  });

  it('a literal block keeps its newline, which upstream rejects', () => {
    const diagnostics = check(NP("  selector: |\n    app == 'web'\n"));
    expect(diagnostics.map((d) => d.code)).toEqual(['invalid-selector']);
  });

  it('selectors in rules, and global() placement', () => {
    const diagnostics = check(
      GNP(`  ingress:
    - action: Allow
      source:
        selector: global()
        namespaceSelector: global() && all()
    - action: Allow
      source:
        namespaceSelector: "  global()  "
`),
    );
    expect(diagnostics.map((d) => [d.code, d.message.slice(0, 40), `${d.span?.line}:${d.span?.column}`])).toEqual([
      ['invalid-selector', 'global() can only be used in an EntityRu', '9:19'],
      ['invalid-selector', "error with field NamespaceSelector field", '10:28'],
    ]);
  });
});

describe('rule values', () => {
  it('ports need a protocol that has ports', () => {
    const diagnostics = check(
      NP(`  ingress:
    - action: Allow
      destination:
        ports: [80]
    - action: Allow
      protocol: ICMP
      destination:
        ports: [http]
    - action: Allow
      protocol: TCP
      destination:
        ports: ["0:80", "90:85", http_alt, 70000]
`),
    );
    expect(diagnostics.map((d) => `${d.span?.line}:${d.span?.column} ${d.message}`)).toEqual([
      '10:17 error with field Destination.Ports = \'[80]\' (rules with numeric port or port range must set protocol to TCP or UDP or SCTP)',
      "14:17 error with field Destination.Ports = '[http]' (rules that specify ports must set protocol to TCP or UDP or SCTP)",
      "18:17 error with field Port = '0' (port range invalid, port number must be between 1 and 65535)",
      '18:25 minimum port number (90) is greater than maximum port number (85) in port range',
      "18:34 error with field PortName = 'http_alt' (invalid port name: must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-))",
      '18:44 invalid port format (70000)',
    ]);
  });

  it('lower-case protocol names are rejected, with a hint', () => {
    const [diagnostic] = check(NP('  ingress:\n    - action: Allow\n      protocol: tcp\n'));
    expect(diagnostic?.message).toBe("error with field Protocol = 'tcp' (protocol name invalid)");
    expect(diagnostic?.help).toContain('"TCP"');
  });

  it('nets: CIDRs only, strictly masked, one family, no catch-all negation', () => {
    const diagnostics = check(
      NP(`  ingress:
    - action: Allow
      source:
        nets: [10.0.0.1, 10.1.2.3/16]
        notNets: [0.0.0.0/0]
      destination:
        nets: ["fd00::/64"]
`),
    );
    expect(diagnostics.map((d) => [d.data?.messageId, `${d.span?.line}:${d.span?.column}`, d.help])).toEqual([
      ['invalidCidr', '10:16', 'write a single address as a CIDR: 10.0.0.1/32'],
      ['cidrNotMasked', '10:26', 'did you mean 10.1.0.0/16?'],
      ['catchAllNegation', '11:19', undefined],
      ['mixedFamilies', '13:15', undefined],
    ]);
  });

  it('ICMP rules', () => {
    const diagnostics = check(
      GNP(`  ingress:
    - action: Allow
      protocol: ICMP
      ipVersion: 6
      icmp: {code: 3}
    - action: Allow
      protocol: TCP
      notICMP: {type: 300}
      icmp: {type: 8}
`),
    );
    expect(diagnostics.map((d) => d.message)).toEqual([
      'ICMP code specified without an ICMP type',
      'protocol ICMP requires ipVersion 4',
      "error with field Type = '300' (must be between 0 and 254)",
      'ICMP fields require protocol to be ICMP or ICMPv6',
    ]);
  });
});

describe('fields calpol cannot enforce', () => {
  const withHttp = GNP('  ingress:\n    - action: Allow\n      http:\n        methods: [GET]\n');
  it('are errors by default, at the key', () => {
    expect(at(check(withHttp))).toEqual(['error unsupported-field 8:7-11']);
  });

  it('are warnings that say what is skipped with allowUnsupported', () => {
    const [diagnostic] = check(withHttp, { allowUnsupported: true });
    expect(diagnostic?.severity).toBe('warning');
    expect(diagnostic?.message).toContain('treated as never matching');
  });

  it('include services and NetworkSet allowedEgressDomains, but not serviceAccounts or performanceHints', () => {
    const diagnostics = check(`${NP(`  performanceHints: [AssumeNeededOnEveryNode]
  egress:
    - action: Allow
      destination:
        services: {name: api, namespace: default}
        serviceAccounts: {names: [x]}
`)}---
apiVersion: projectcalico.org/v3
kind: NetworkSet
metadata:
  name: s
  namespace: default
spec:
  nets: [10.0.0.0/8]
  allowedEgressDomains: [example.com]
`);
    // The Service match is also misplaced (egress rules name services in the destination only).
    expect(diagnostics.map((d) => `${d.code} ${d.span?.line}:${d.span?.column}`)).toEqual([
      'invalid-value 11:19',
      'unsupported-field 11:9',
      'unsupported-field 21:3',
    ]);
  });
});

describe('resources', () => {
  it('duplicate resources that differ name the first and the fields', () => {
    const diagnostics = check(`${GNP('  selector: all()\n')}---\n${GNP('  order: 1\n')}---\n${NP('')}`);
    expect(diagnostics.map((d) => [d.code, d.message, d.span?.line])).toEqual([
      [
        'duplicate-resource',
        'GlobalNetworkPolicy "g" is defined twice and the copies differ in /spec/order, /spec/selector (first at in.yaml:4); the cluster holds whichever was applied last: keep one',
        11,
      ],
    ]);
  });

  it('a Kubernetes and a Calico NetworkPolicy of one name are different resources', () => {
    const k8s = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: default\nspec:\n  podSelector: {}\n';
    expect(check(`${k8s}---\n${NP('')}`)).toEqual([]);
  });

  it('built-in tiers', () => {
    const tier = (name: string, spec: string) => `apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
    const diagnostics = check(`${tier('default', '  order: 1000\n')}---\n${tier('kube-admin', '  order: 1000\n')}---\n${tier('kube-baseline', '  order: 10000000\n  defaultAction: Pass\n')}`);
    expect(diagnostics.map((d) => d.message)).toEqual([
      'default tier order must be 1000000',
      "The 'kube-admin' tier must have default action 'Pass'",
    ]);
  });

  it('preDNAT, doNotTrack and applyOnForward', () => {
    const diagnostics = check(GNP('  preDNAT: true\n  doNotTrack: true\n  egress:\n    - action: Allow\n'));
    expect(diagnostics.map((d) => d.message)).toEqual([
      'preDNAT and doNotTrack cannot both be true',
      'preDNAT policy cannot have any egress rules',
      'applyOnForward must be true if either preDNAT or doNotTrack is true',
    ]);
  });

  it('staged Delete allows only the tier', () => {
    const staged = (spec: string) => `apiVersion: projectcalico.org/v3\nkind: StagedNetworkPolicy\nmetadata:\n  name: s\n  namespace: default\nspec:\n${spec}`;
    expect(check(staged('  stagedAction: Delete\n  tier: default\n'))).toEqual([]);
    expect(check(staged('  stagedAction: Delete\n  order: 1\n')).map((d) => d.data?.messageId)).toEqual(['stagedDelete']);
  });

  it('namespace on a cluster-scoped kind is a warning', () => {
    const diagnostics = check('apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: g\n  namespace: default\n');
    expect(at(diagnostics)).toEqual(['warning invalid-value 5:14-21']);
  });

  it('labels and annotations', () => {
    const diagnostics = check(GNP('  selector: all()\n').replace('  name: g\n', '  name: g\n  labels:\n    -bad: ok\n    good: "not ok!"\n  annotations:\n    a/b/c: x\n'));
    expect(diagnostics.map((d) => `${d.span?.line}:${d.span?.column} ${d.data?.field}`)).toEqual([
      '6:5 Metadata.Labels (label)',
      '7:11 Metadata.Labels (value)',
      '9:5 Metadata.Annotations (key)',
    ]);
  });

  it('host and workload endpoints', () => {
    const diagnostics = check(`apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata:
  name: h
spec:
  expectedIPs: [10.0.0.300]
---
apiVersion: projectcalico.org/v3
kind: WorkloadEndpoint
metadata:
  name: w
  namespace: default
spec:
  interfaceName: cali0123456789abcdef
  ipNetworks: [10.0.0.0/24]
  ports:
    - {protocol: TCP, port: 80}
`);
    expect(diagnostics.map((d) => d.data?.messageId)).toEqual([
      'hostEndpointNode',
      'invalidIp',
      'interfaceName',
      'ipNetworkMultiple',
      'workloadPortName',
    ]);
  });

  it('IP pools', () => {
    const pool = (spec: string) => `apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: p\nspec:\n${spec}`;
    expect(check(pool('  cidr: 10.21.0.0/31\n  blockSize: 31\n  ipipMode: Never\n  natOutgoing: true\n'))).toEqual([]);
    const diagnostics = check(pool('  cidr: 169.254.1.0/24\n  ipipMode: Always\n  vxlanMode: Always\n  nodeSelector: global()\n'));
    expect(diagnostics.map((d) => d.message)).toEqual([
      'IPPool CIDR overlaps with IPv4 link local range 169.254.0.0/16',
      'ipipMode and vxlanMode cannot both be enabled',
      'global() selector is not valid for IPPool nodeSelector',
    ]);
  });

  it('Kubernetes NetworkPolicy', () => {
    const diagnostics = check(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: k
  namespace: default
spec:
  podSelector:
    matchExpressions:
      - {key: app, operator: In}
  policyTypes: [Ingress, Sideways]
  ingress:
    - from:
        - ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}
          podSelector: {}
        - {}
      ports:
        - {protocol: tcp, port: 80, endPort: 70}
`);
    expect(diagnostics.map((d) => d.data?.messageId)).toEqual([
      'k8sSelectorValuesRequired',
      'enumValue',
      'k8sIpBlockWithSelectors',
      'k8sExceptOutsideCidr',
      'k8sEmptyPeer',
      'enumValue',
      'k8sEndPortBelowPort',
    ]);
  });
});
