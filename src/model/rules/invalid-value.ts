import type { RuleDefinition } from '../../diag/index.js';

/**
 * Values the Calico API rejects, with upstream's wording: go-validator errors are shown as
 * calicoctl prints them (`error with field <Field> = '<value>' (<reason>)`), CRD/CEL rules
 * with their CEL message, Kubernetes checks with the Kubernetes message.
 */
const messages = {
  // Names and metadata (validator.go, k8s validation).
  nameTooLong: "error with field {field} = '{value}' (name is too long by {excess} bytes)",
  nameSubdomain:
    "error with field {field} = '{value}' (name must consist of lower case alphanumeric characters, '-' or '.' (regex: [a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*))",
  nameLabel:
    "error with field {field} = '{value}' (name must consist of lower case alphanumeric characters or '-' (regex: [a-z0-9]([-a-z0-9]*[a-z0-9])?))",
  namespaceName:
    "error with field Metadata.Namespace = '{value}' (a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', start and end with an alphanumeric character, and be at most 63 characters)",
  namespaceOnGlobal: 'metadata.namespace is ignored: {kind} is not a namespaced resource',
  qualifiedName: "error with field {field} = '{value}' ({reason})",
  labelValue: "error with field {field} = '{value}' ({reason})",
  annotationsTooLarge: 'error with field Metadata.Annotations (total size of annotations is too large by {excess} bytes)',
  reservedLabel:
    "error with field Metadata.Labels (label) = 'projectcalico.org/namespace' (projectcalico.org/namespace is not a valid label name)",

  // Enums and sizes (CRD schema).
  enumValue: 'Unsupported value: "{value}": supported values: {allowed}',
  duplicateValue: 'Duplicate value: "{value}"',
  tooMany: 'Too many: {count}: must have at most {max} items',
  tooLong: 'Too long: may not be more than {max} bytes',
  notFinite: 'expected a finite number, got {value}',

  // Protocols (numorstring, validator.go).
  protocolNumber: "error with field Protocol = '{value}' (protocol number invalid)",
  protocolName: "error with field Protocol = '{value}' (protocol name invalid)",
  endpointPortProtocol: "error with field {field} = '{value}' ({kind} protocol does not support ports.)",
  protoPortProtocol: "error with field ProtoPort.Protocol = '{value}' (protocol must be 'TCP' or 'UDP' or 'SCTP'.)",

  // Ports (numorstring/port.go, validator.go validatePort / validateRule).
  portFormat: 'invalid port format ({value})',
  portRangeMin: 'invalid minimum port number in range ({value})',
  portRangeMax: 'invalid maximum port number in range ({value})',
  portRangeOrder: 'minimum port number ({min}) is greater than maximum port number ({max}) in port range',
  portNameFormat: 'invalid name for named port ({value})',
  portZero: "error with field Port = '{value}' (port range invalid, port number must be between 1 and 65535)",
  portName: "error with field {field} = '{value}' (invalid port name: {reason})",
  portNumber: "error with field {field} = '{value}' (port number must be between 1 and 65535)",
  portsNeedProtocol:
    "error with field {field} = '{value}' (rules with numeric port or port range must set protocol to TCP or UDP or SCTP)",
  portsProtocolWithoutPorts: "error with field {field} = '{value}' (rules that specify ports must set protocol to TCP or UDP or SCTP)",
  workloadPortName:
    "error with field WorkloadEndpointPort.Name (WorkloadEndpointPort name must not be empty if no HostPort is specified)",

  // Rule fields (policy_common.go CEL rules, validator.go validateRule).
  ipVersion: 'Unsupported value: {value}: supported values: "4", "6"',
  icmpRange: "error with field {field} = '{value}' (must be between 0 and {max})",
  icmpCodeWithoutType: 'ICMP code specified without an ICMP type',
  icmpNeedsProtocol: 'ICMP fields require protocol to be ICMP or ICMPv6',
  icmpRequiresV4: 'protocol ICMP requires ipVersion 4',
  icmpv6RequiresV6: 'protocol ICMPv6 requires ipVersion 6',
  invalidCidr: "error with field {field} = '{value}' (invalid CIDR)",
  cidrNotMasked: "error with field {field} = '{value}' (network is not strictly masked: the address has host bits set)",
  catchAllNegation:
    "error with field {field} = '{value}' (catch-all CIDR in negation creates logical contradiction (matches no traffic))",
  ipVersionMismatch: "error with field {field} = '{value}' (rule IP version doesn't match CIDR version)",
  mixedFamilies: "error with field {field} = '{value}' (rule contains both IPv4 and IPv6 CIDRs)",
  invalidIp: "error with field {field} = '{value}' (invalid IP address)",
  httpProtocol: 'rules with HTTP match must have protocol TCP or unset',
  httpAllowOnly: 'HTTP match is only valid on Allow rules',
  httpInEgress: 'error with field HTTP ({reason})',
  httpMethodsDuplicate: "error with field Methods = '{value}' (Invalid methods (duplicates): {value})",
  httpPathBoth: "error with field Paths = '{value}' (Invalid path match. Both 'exact' and 'prefix' are set)",
  httpPathNeither: "error with field Paths = '{value}' (Invalid path match. Either 'exact' or 'prefix' must be set)",
  httpPathChars: "error with field Paths = '{value}' (Invalid path {path}. (must start with `/` and not contain `?` or `#`)",
  servicesWithPorts: 'ports and notPorts cannot be specified with services',
  servicesWithNamespaceSelector: 'cannot specify NamespaceSelector and Services on the same rule',
  servicesWithServiceAccounts: 'cannot specify ServiceAccounts and Services on the same rule',
  servicesWithSelectors: 'cannot specify Selector/NotSelector and Services on the same rule',
  servicesWithNets: 'cannot specify Nets/NotNets and Services on the same rule',
  servicesName: 'services must specify a service name',
  servicesInEgressSource: 'error with field Services (not allowed in egress rule source)',
  servicesInIngressDestination: 'error with field Services (not allowed in ingress rule destination)',
  servicesNamespace: 'error with field Namespace (must specify a namespace)',

  // Policy specs (validator.go, CEL on (Global)NetworkPolicySpec).
  typeRepeated: "error with field {field} = '{value}' ('{type}' type specified more than once)",
  preDnatAndDoNotTrack: 'preDNAT and doNotTrack cannot both be true',
  preDnatEgressRules: 'preDNAT policy cannot have any egress rules',
  preDnatEgressType: "preDNAT policy cannot have 'Egress' type",
  applyOnForwardRequired: 'applyOnForward must be true if either preDNAT or doNotTrack is true',
  stagedDelete: 'error with field {field} (Spec fields, except Tier, should all be zero-value if stagedAction is Delete)',
  stagedK8sDelete: 'error with field StagedKubernetesNetworkPolicySpec (Spec fields should all be zero-value if stagedAction is Delete)',

  // Tiers (CEL on Tier).
  tierOrder: '{tier} tier order must be {order}',
  tierDefaultAction: "The '{tier}' tier must have default action '{action}'",

  // Endpoints and sets (validator.go, CEL on HostEndpointSpec).
  hostEndpointNode: 'node must be specified',
  hostEndpointInterface: 'at least one of interfaceName or expectedIPs must be specified',
  interfaceName:
    "error with field InterfaceName = '{value}' (an interface name is '*' or 1 to 15 characters from a-z, A-Z, 0-9, '_', '.' and '-')",
  containerId:
    "error with field ContainerID = '{value}' (must be alphanumeric characters or '-', starting and ending with an alphanumeric character)",
  ipNetworkMultiple: "error with field IPNetworks = '{value}' (IP network contains multiple addresses)",
  natNotInNetworks: 'error with field IPNATs (NAT is not in the endpoint networks)',
  natVersions: "error with field ExternalIP = '{value}' (mismatched IP versions)",
  gateway: "error with field {field} = '{value}' (invalid IPv{version} gateway address specified)",
  mac: "error with field MAC = '{value}' (invalid MAC address)",

  // IP pools (validator.go validateIPPoolSpec, CEL on IPPoolSpec).
  poolCidr: "error with field IPpool.CIDR = '{value}' (IPPool CIDR must be a valid subnet)",
  poolNotMasked: 'IPPool CIDR must be strictly masked',
  poolLinkLocal: 'IPPool CIDR overlaps with IPv{version} link local range {range}',
  poolBlockSize: 'blockSize must be between 20 and 32 for IPv4 pools, and between 116 and 128 for IPv6 pools',
  poolTooSmall: 'IP pool size is too small for use with Calico IPAM. It must be equal to or greater than the block size.',
  poolIpipV6: 'IPIP is not supported on IPv6 pools',
  poolBothEncaps: 'ipipMode and vxlanMode cannot both be enabled',
  poolLoadBalancerEncap: 'LoadBalancer IP pool cannot have IPIP or VXLAN enabled',
  poolLoadBalancerUses: 'LoadBalancer cannot be combined with Workload or Tunnel allowed uses',
  poolLoadBalancerBgp: 'LoadBalancer IP pools cannot disable BGP export',
  poolLoadBalancerNodes: 'IP Pool with AllowedUse LoadBalancer must have nodeSelector set to all()',
  poolTunnelNamespaces: 'IP Pool with AllowedUse Tunnel cannot have namespaceSelector',
  poolDeprecatedField: '"{field}" is a v1 field the v3 API no longer reads: use "{replacement}"',

  // Kubernetes NetworkPolicy (k8s.io/kubernetes pkg/apis/networking/validation).
  k8sPortNumber: 'Invalid value: {value}: must be between 1 and 65535, inclusive',
  k8sEndPortWithoutPort: 'Invalid value: {value}: may not be specified when `port` is not specified',
  k8sEndPortNamed: 'Invalid value: {value}: must be a number when `endPort` is specified',
  k8sEndPortBelowPort: 'Invalid value: {value}: must be greater than or equal to `port`',
  k8sIpBlockWithSelectors: 'may not specify both ipBlock and another peer',
  k8sEmptyPeer: 'must specify a peer',
  k8sExceptOutsideCidr: "Invalid value: \"{value}\": must be a strict subset of `cidr`",
  k8sSelectorValuesRequired: "Required value: must be specified when `operator` is 'In' or 'NotIn'",
  k8sSelectorValuesForbidden: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
} as const;

export type InvalidValueMessage = keyof typeof messages;

export const invalidValue: RuleDefinition<InvalidValueMessage> = {
  id: 'invalid-value',
  severity: 'error',
  description: 'A value the Calico or Kubernetes API rejects (upstream validation, with upstream wording).',
  messages,
};
