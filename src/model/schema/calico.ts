import {
  boolean,
  integer,
  intOrString,
  list,
  number,
  object,
  type ObjectSchema,
  protocol,
  selector,
  any,
  string,
  stringMap,
} from './types.js';

/* Field tables of the projectcalico.org/v3 types (api/pkg/apis/projectcalico/v3). */

export const ICMP_FIELDS: ObjectSchema = { name: 'ICMPFields', fields: { type: integer, code: integer } };

export const HTTP_MATCH: ObjectSchema = {
  name: 'HTTPMatch',
  fields: {
    methods: list(string),
    paths: list(object({ name: 'HTTPPath', fields: { exact: string, prefix: string } })),
  },
};

export const ENTITY_RULE: ObjectSchema = {
  name: 'EntityRule',
  fields: {
    nets: list(string),
    notNets: list(string),
    selector,
    notSelector: selector,
    namespaceSelector: selector,
    ports: list(intOrString),
    notPorts: list(intOrString),
    serviceAccounts: object({ name: 'ServiceAccountMatch', fields: { names: list(string), selector } }),
    services: object({ name: 'ServiceMatch', fields: { name: string, namespace: string } }),
    // Calico Enterprise's DNS policy: decoded so it is reported as unsupported, like allowedEgressDomains.
    domains: list(string),
  },
};

export const RULE: ObjectSchema = {
  name: 'Rule',
  required: ['action'],
  fields: {
    action: string,
    ipVersion: integer,
    protocol,
    notProtocol: protocol,
    icmp: object(ICMP_FIELDS),
    notICMP: object(ICMP_FIELDS),
    source: object(ENTITY_RULE),
    destination: object(ENTITY_RULE),
    http: object(HTTP_MATCH),
    metadata: object({ name: 'RuleMetadata', fields: { annotations: stringMap } }),
  },
};

const POLICY_FIELDS = {
  tier: string,
  order: number,
  selector,
  ingress: list(object(RULE)),
  egress: list(object(RULE)),
  types: list(string),
  serviceAccountSelector: selector,
  performanceHints: list(string),
};

const GLOBAL_POLICY_FIELDS = {
  ...POLICY_FIELDS,
  namespaceSelector: selector,
  doNotTrack: boolean,
  preDNAT: boolean,
  applyOnForward: boolean,
};

export const NETWORK_POLICY_SPEC: ObjectSchema = { name: 'NetworkPolicySpec', fields: POLICY_FIELDS };
export const GLOBAL_NETWORK_POLICY_SPEC: ObjectSchema = { name: 'GlobalNetworkPolicySpec', fields: GLOBAL_POLICY_FIELDS };
export const STAGED_NETWORK_POLICY_SPEC: ObjectSchema = {
  name: 'StagedNetworkPolicySpec',
  fields: { ...POLICY_FIELDS, stagedAction: string },
};
export const STAGED_GLOBAL_NETWORK_POLICY_SPEC: ObjectSchema = {
  name: 'StagedGlobalNetworkPolicySpec',
  fields: { ...GLOBAL_POLICY_FIELDS, stagedAction: string },
};

export const TIER_SPEC: ObjectSchema = { name: 'TierSpec', fields: { order: number, defaultAction: string } };

export const PROFILE_SPEC: ObjectSchema = {
  name: 'ProfileSpec',
  fields: { ingress: list(object(RULE)), egress: list(object(RULE)), labelsToApply: stringMap },
};

export const ENDPOINT_PORT: ObjectSchema = {
  name: 'EndpointPort',
  required: ['name', 'protocol', 'port'],
  fields: { name: string, protocol, port: integer },
};

export const WORKLOAD_ENDPOINT_PORT: ObjectSchema = {
  name: 'WorkloadEndpointPort',
  required: ['protocol', 'port'],
  fields: { name: string, protocol, port: integer, hostPort: integer, hostIP: string },
};

export const HOST_ENDPOINT_SPEC: ObjectSchema = {
  name: 'HostEndpointSpec',
  fields: {
    node: string,
    interfaceName: string,
    expectedIPs: list(string),
    profiles: list(string),
    ports: list(object(ENDPOINT_PORT)),
  },
};

export const WORKLOAD_ENDPOINT_SPEC: ObjectSchema = {
  name: 'WorkloadEndpointSpec',
  fields: {
    orchestrator: string,
    workload: string,
    node: string,
    containerID: string,
    pod: string,
    endpoint: string,
    serviceAccountName: string,
    ipNetworks: list(string),
    ipNATs: list(object({ name: 'IPNAT', required: ['internalIP', 'externalIP'], fields: { internalIP: string, externalIP: string } })),
    ipv4Gateway: string,
    ipv6Gateway: string,
    profiles: list(string),
    interfaceName: string,
    mac: string,
    ports: list(object(WORKLOAD_ENDPOINT_PORT)),
    allowSpoofedSourcePrefixes: list(string),
    qosControls: any,
  },
};

/** allowedEgressDomains is a Calico Enterprise field; it is decoded so it can be reported as unsupported. */
export const NETWORK_SET_SPEC: ObjectSchema = {
  name: 'NetworkSetSpec',
  fields: { nets: list(string), allowedEgressDomains: list(string) },
};
export const GLOBAL_NETWORK_SET_SPEC: ObjectSchema = { ...NETWORK_SET_SPEC, name: 'GlobalNetworkSetSpec' };

export const IP_POOL_SPEC: ObjectSchema = {
  name: 'IPPoolSpec',
  required: ['cidr'],
  fields: {
    cidr: string,
    blockSize: integer,
    ipipMode: string,
    vxlanMode: string,
    natOutgoing: boolean,
    disabled: boolean,
    disableBGPExport: boolean,
    nodeSelector: selector,
    namespaceSelector: selector,
    allowedUses: list(string),
    assignmentMode: string,
    // v1-era fields the v3 type still carried (validated to be unset upstream): decoded so
    // validation can point at them and name their replacements.
    ipip: object({ name: 'IPIPConfiguration', fields: { enabled: boolean, mode: string } }),
    'nat-outgoing': boolean,
  },
};

/** Upstream's ProtoPort (FelixConfiguration failsafe ports), for the conformance vectors. */
export const PROTO_PORT: ObjectSchema = { name: 'ProtoPort', fields: { protocol: string, port: integer, net: string } };
