import type { Span } from '../diag/index.js';

/**
 * Typed resources exactly as the user wrote them (after strict schema decoding), in
 * the JSON shape of the Calico v3 / Kubernetes APIs. Normalization (types defaulting,
 * k8s conversion, selector rewrites) happens later, in normalize*.ts, and produces the
 * `PolicySet` / `Inventory` of types.ts.
 *
 * Every resource remembers where each of its values came from: `spans` maps a JSON
 * pointer (`/spec/ingress/0/destination/ports/1`) to the value's span; `<pointer>#key`
 * is the span of the mapping key itself (for unknown-field diagnostics).
 */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  generateName?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
}

export interface ResourceBase<Kind extends string, Spec> {
  apiVersion: string;
  kind: Kind;
  metadata: ObjectMeta;
  spec: Spec;
  /** The whole document (or List item). */
  span: Span;
  spans: Readonly<Record<string, Span>>;
  /**
   * For string values whose inside diagnostics point into (selectors), where each run of the
   * value's characters sits in the file, keyed by JSON pointer like `spans`. Absent when the
   * mapping is not exact (escapes the loader could not follow); then use the value's span.
   */
  textMaps?: Readonly<Record<string, readonly TextSegment[]>>;
}

/**
 * A run of a string value's characters that are contiguous in the file: value characters
 * `[index, index + length)` are file characters `[offset, offset + length)`, starting at
 * `line`:`column`. Runs are sorted by index; characters between runs (a folded line break,
 * an escape sequence) belong to no run.
 */
export interface TextSegment {
  index: number;
  length: number;
  offset: number;
  line: number;
  column: number;
}

export type PortValue = number | string; // 80, "80", "8000:8080", "http"
export type ProtocolValue = number | string; // 6, "TCP", "UDP", ...

export interface IcmpFields {
  type?: number;
  code?: number;
}

export interface ServiceAccountMatch {
  names?: string[];
  selector?: string;
}

export interface ServiceMatch {
  name?: string;
  namespace?: string;
}

export interface EntityRule {
  nets?: string[];
  notNets?: string[];
  selector?: string;
  notSelector?: string;
  namespaceSelector?: string;
  ports?: PortValue[];
  notPorts?: PortValue[];
  serviceAccounts?: ServiceAccountMatch;
  services?: ServiceMatch;
  /** Calico Enterprise DNS policy (destination.domains): never enforced, reported. */
  domains?: string[];
}

export interface HttpPathMatch {
  exact?: string;
  prefix?: string;
}

export interface HttpMatch {
  methods?: string[];
  paths?: HttpPathMatch[];
}

export type RuleAction = 'Allow' | 'Deny' | 'Log' | 'Pass';

export interface Rule {
  action: RuleAction;
  ipVersion?: 4 | 6;
  protocol?: ProtocolValue;
  notProtocol?: ProtocolValue;
  icmp?: IcmpFields;
  notICMP?: IcmpFields;
  source?: EntityRule;
  destination?: EntityRule;
  http?: HttpMatch;
  metadata?: { annotations?: Record<string, string> };
}

export type PolicyType = 'Ingress' | 'Egress';

/** Common spec of (Staged)(Global)NetworkPolicy. */
export interface PolicySpec {
  tier?: string;
  order?: number;
  selector?: string;
  ingress?: Rule[];
  egress?: Rule[];
  types?: PolicyType[];
  serviceAccountSelector?: string;
  performanceHints?: string[];
  /** GlobalNetworkPolicy only. */
  namespaceSelector?: string;
  doNotTrack?: boolean;
  preDNAT?: boolean;
  applyOnForward?: boolean;
  /** Staged kinds only. */
  stagedAction?: 'Set' | 'Delete' | 'Learn' | 'Ignore';
}

export type CalicoPolicyKind =
  | 'NetworkPolicy'
  | 'GlobalNetworkPolicy'
  | 'StagedNetworkPolicy'
  | 'StagedGlobalNetworkPolicy';

export type CalicoPolicyResource = ResourceBase<CalicoPolicyKind, PolicySpec>;

export interface TierSpec {
  order?: number;
  defaultAction?: 'Deny' | 'Pass';
}
export type TierResource = ResourceBase<'Tier', TierSpec>;

export interface ProfileSpec {
  ingress?: Rule[];
  egress?: Rule[];
  labelsToApply?: Record<string, string>;
}
export type ProfileResource = ResourceBase<'Profile', ProfileSpec>;

export interface EndpointPort {
  name: string;
  protocol: ProtocolValue;
  port: number;
  hostPort?: number;
  hostIP?: string;
}

export interface HostEndpointSpec {
  node?: string;
  interfaceName?: string;
  expectedIPs?: string[];
  profiles?: string[];
  ports?: EndpointPort[];
}
export type HostEndpointResource = ResourceBase<'HostEndpoint', HostEndpointSpec>;

export interface WorkloadEndpointSpec {
  orchestrator?: string;
  workload?: string;
  node?: string;
  containerID?: string;
  pod?: string;
  endpoint?: string;
  serviceAccountName?: string;
  ipNetworks?: string[];
  ipNATs?: { internalIP: string; externalIP: string }[];
  ipv4Gateway?: string;
  ipv6Gateway?: string;
  profiles?: string[];
  interfaceName?: string;
  mac?: string;
  ports?: EndpointPort[];
  allowSpoofedSourcePrefixes?: string[];
  qosControls?: Record<string, unknown>;
}
export type WorkloadEndpointResource = ResourceBase<'WorkloadEndpoint', WorkloadEndpointSpec>;

export interface NetworkSetSpec {
  nets?: string[];
  allowedEgressDomains?: string[];
}
export type NetworkSetResource = ResourceBase<'NetworkSet' | 'GlobalNetworkSet', NetworkSetSpec>;

export interface IPPoolSpec {
  cidr: string;
  blockSize?: number;
  ipipMode?: 'Never' | 'Always' | 'CrossSubnet';
  vxlanMode?: 'Never' | 'Always' | 'CrossSubnet';
  natOutgoing?: boolean;
  disabled?: boolean;
  disableBGPExport?: boolean;
  nodeSelector?: string;
  namespaceSelector?: string;
  allowedUses?: ('Workload' | 'Tunnel' | 'LoadBalancer')[];
  assignmentMode?: 'Automatic' | 'Manual';
  ipip?: { enabled?: boolean; mode?: string };
  nat_outgoing?: boolean;
  /** The v1-era JSON name of nat_outgoing (`nat-outgoing`), as old manifests spell it. */
  'nat-outgoing'?: boolean;
}
export type IPPoolResource = ResourceBase<'IPPool', IPPoolSpec>;

/* ---- Kubernetes kinds ---- */

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}
export interface K8sNetworkPolicyPort {
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  port?: number | string;
  endPort?: number;
}
export interface K8sNetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
export interface K8sNetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: PolicyType[];
  ingress?: { from?: K8sNetworkPolicyPeer[]; ports?: K8sNetworkPolicyPort[] }[];
  egress?: { to?: K8sNetworkPolicyPeer[]; ports?: K8sNetworkPolicyPort[] }[];
}
/** networking.k8s.io/v1 NetworkPolicy (kind `NetworkPolicy`, told apart by apiVersion). */
export type K8sNetworkPolicyResource = ResourceBase<'KubernetesNetworkPolicy', K8sNetworkPolicySpec>;
/** StagedKubernetesNetworkPolicy (projectcalico.org/v3): a k8s NetworkPolicy spec plus stagedAction. */
export type StagedK8sNetworkPolicyResource = ResourceBase<
  'StagedKubernetesNetworkPolicy',
  K8sNetworkPolicySpec & { stagedAction?: 'Set' | 'Delete' | 'Learn' | 'Ignore' }
>;

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  hostPort?: number;
  hostIP?: string;
}
export interface PodSpec {
  nodeName?: string;
  serviceAccountName?: string;
  serviceAccount?: string;
  hostNetwork?: boolean;
  containers?: { name: string; ports?: ContainerPort[] }[];
  initContainers?: { name: string; ports?: ContainerPort[] }[];
}
export interface PodStatus {
  podIP?: string;
  podIPs?: { ip: string }[];
  phase?: string;
}
export type PodResource = ResourceBase<'Pod', PodSpec> & { status?: PodStatus };
export type NamespaceResource = ResourceBase<'Namespace', Record<string, unknown>>;
export type ServiceAccountResource = ResourceBase<'ServiceAccount', Record<string, unknown>>;

export type Resource =
  | CalicoPolicyResource
  | StagedK8sNetworkPolicyResource
  | K8sNetworkPolicyResource
  | TierResource
  | ProfileResource
  | HostEndpointResource
  | WorkloadEndpointResource
  | NetworkSetResource
  | IPPoolResource
  | PodResource
  | NamespaceResource
  | ServiceAccountResource;

export type ResourceKind = Resource['kind'];
