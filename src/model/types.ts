import type { Span } from '../diag/index.js';
import type { Selector } from '../selector/index.js';
import type { RuleAction } from './resources.js';

/**
 * The normalized model: what Felix would see after the API defaults, the k8s
 * conversions and the syncer's selector rewrites (docs/calico-semantics.md §1.5–§1.8, §2, §3.4, §3.7).
 * Later stages (tiers, ir, eval) read only these types, never `resources.ts`.
 *
 * Every array is sorted by a stable key (documented on each field), so the model is the
 * same whatever order the input documents came in. Label records have sorted keys.
 */

/* ---------------------------------------------------------------- policies */

/** Where a policy came from. k8s kinds are converted to Calico rules (§3.7). */
export type PolicyKind =
  | 'GlobalNetworkPolicy'
  | 'NetworkPolicy'
  | 'KubernetesNetworkPolicy'
  | 'StagedGlobalNetworkPolicy'
  | 'StagedNetworkPolicy'
  | 'StagedKubernetesNetworkPolicy';

export type TierDefaultAction = 'Deny' | 'Pass';

/**
 * A tier. The built-in tiers `kube-admin` (1000, Pass), `default` (1e6, Deny) and
 * `kube-baseline` (1e7, Pass) are always present; a Tier resource with one of those
 * names is merged into the built-in (its span wins). A tier that policies name but no
 * Tier resource defines is present with `defined: false` and no order: Felix still
 * applies it, after every defined tier, and its empty default action acts as Deny (§2.1).
 */
export interface Tier {
  name: string;
  /** Undefined = nil order (sorts after every ordered tier). */
  order?: number;
  defaultAction: TierDefaultAction;
  builtIn: boolean;
  /** False for a tier referenced by a policy but defined nowhere. */
  defined: boolean;
  /** The Tier resource; a synthetic `<built-in>` span for an unwritten built-in tier; the first referencing policy's `tier` value for an undefined tier. */
  span: Span;
}

/** A tier defined outside the inputs, named on the command line (`--tier NAME[:ORDER]`). */
export interface DeclaredTier {
  name: string;
  order?: number;
}

/** A port match: a numeric range (a single port has min = max) or a named port. */
export type PortMatch = { kind: 'range'; min: number; max: number } | { kind: 'named'; name: string };

/** Backend protocol: lowercase name as Felix renders it, or a number (as written; 6 stays 6). */
export type ProtocolMatch = 'tcp' | 'udp' | 'sctp' | 'icmp' | 'icmpv6' | 'udplite' | number;

export interface IcmpMatch {
  type?: number;
  code?: number;
}

/**
 * One side (source or destination) of a rule after the syncer's rewrite (§1.6).
 * All present parts are ANDed; an empty EntityMatch matches anything.
 */
export interface EntityMatch {
  /** Masked CIDRs (bare IPs become /32 or /128), in written order. Empty = no restriction. */
  nets: string[];
  notNets: string[];
  /**
   * The fully rewritten positive selector (`getEndpointSelector`): namespace term,
   * service accounts, pcns./pcsa. prefixes, all()/global() replaced. Undefined = none.
   */
  selector?: Selector;
  /** `notSelector` exactly as written: never namespace-scoped nor prefixed (§1.6 step 4). */
  notSelector?: Selector;
  /** ORed. Empty = any port. */
  ports: PortMatch[];
  notPorts: PortMatch[];
  /** The `source`/`destination` mapping, when written. */
  span?: Span;
}

export interface PolicyRule {
  /** Position in the policy's (converted) ingress or egress list. */
  index: number;
  action: RuleAction;
  /** Explicit ipVersion, or inferred from protocol `icmp` (4) / `icmpv6` (6) as Felix does. */
  ipVersion?: 4 | 6;
  protocol?: ProtocolMatch;
  notProtocol?: ProtocolMatch;
  icmp?: IcmpMatch;
  notIcmp?: IcmpMatch;
  source: EntityMatch;
  destination: EntityMatch;
  /**
   * Parts calpol cannot enforce (`http`, `services`, `domains`). Later stages must treat an
   * Allow or Log rule with unsupported parts as never matching, and a Deny as matching
   * regardless of them: fail closed. (A Pass with them was made a Deny by normalization.)
   */
  unsupported?: string[];
  /** The rule in YAML; for a converted k8s rule, its peer (or the k8s rule itself). */
  span: Span;
}

export interface PolicyDirections {
  ingress: boolean;
  egress: boolean;
}

export interface Policy {
  /** Felix's policy ID: `gnp/<name>`, `np/<ns>/<name>`, `knp/<ns>/<name>`, `sgnp/…`, `snp/…`, `sknp/…`. Unique. */
  key: string;
  kind: PolicyKind;
  name: string;
  namespace?: string;
  tier: string;
  /** Undefined = +infinity (§2.2). k8s policies get 1000. */
  order?: number;
  staged: boolean;
  /** Staged kinds only; Set when not written. Staged `Delete` policies are not in the model (Felix drops them). */
  stagedAction?: 'Set' | 'Learn' | 'Ignore';
  /** The policy selector Felix evaluates, after the namespace / nsSel / saSel rewrite (§1.6). */
  selector: Selector;
  /** `types` after API defaulting (§3.4), or from k8s policyTypes (§3.7). */
  appliesTo: PolicyDirections;
  ingress: PolicyRule[];
  egress: PolicyRule[];
  /** Always false for namespaced kinds. */
  applyOnForward: boolean;
  preDNAT: boolean;
  doNotTrack: boolean;
  span: Span;
  file: string;
}

/**
 * A profile: user-written, or one of the implicit Kubernetes profiles (`builtIn`):
 * `kns.<ns>` (allow all in and out; labels pcns.*) and `ksa.<ns>.<sa>` (no rules;
 * labels pcsa.*). A user-written profile with the same name replaces the implicit one.
 */
export interface Profile {
  name: string;
  ingress: PolicyRule[];
  egress: PolicyRule[];
  labelsToApply: Record<string, string>;
  /** The Profile resource, or the Namespace/ServiceAccount an implicit profile came from. */
  span?: Span;
  builtIn: boolean;
}

export interface NetworkSet {
  /** `globalnetworkset/<name>` or `networkset/<ns>/<name>`. */
  key: string;
  kind: 'NetworkSet' | 'GlobalNetworkSet';
  name: string;
  namespace?: string;
  nets: string[];
  /** Effective labels: own labels, then the `kns.<ns>` profile's labels (namespaced sets only). */
  labels: Record<string, string>;
  /** Labels as Felix stores them (with `projectcalico.org/namespace` for namespaced sets). */
  ownLabels: Record<string, string>;
  /** `[kns.<ns>]` for namespaced sets (as the syncer does), else []. */
  profiles: string[];
  span: Span;
}

export interface IPPool {
  name: string;
  cidr: string;
  natOutgoing: boolean;
  disabled: boolean;
  span: Span;
}

/**
 * The policy model, sorted: tiers by name, policies by key, profiles by name,
 * networkSets by key, ipPools by name. Ordering for evaluation is the tiers stage's job.
 */
export interface PolicySet {
  tiers: Tier[];
  policies: readonly Policy[];
  profiles: Profile[];
  networkSets: NetworkSet[];
  ipPools: IPPool[];
}

/* ---------------------------------------------------------------- inventory */

export interface NamedPort {
  name: string;
  protocol: ProtocolMatch;
  port: number;
}

export interface Endpoint {
  /** `workload/<ns>/<name>` or `host/<name>`. Unique. */
  key: string;
  kind: 'workload' | 'host';
  /** The Pod name (for pods), the WorkloadEndpoint or HostEndpoint name otherwise. */
  name: string;
  /** For a WorkloadEndpoint: the pod (workload) it belongs to (`spec.pod`, else `spec.workload`), so users can name it like a pod. */
  workload?: string;
  namespace?: string;
  node?: string;
  /** Host-side interface (`cali…` for pods); `*` for an all-interfaces host endpoint. */
  interfaceName?: string;
  /** Masked CIDRs: /32 or /128 for workloads and HEP expectedIPs. */
  addresses: string[];
  /** Effective labels (§1.5): own labels win, then each profile's labelsToApply in profile order. */
  labels: Record<string, string>;
  /** The endpoint's own labels as Felix sees them (incl. projectcalico.org/namespace etc.). */
  ownLabels: Record<string, string>;
  /** Profile names, in order. */
  profiles: string[];
  namedPorts: NamedPort[];
  /** Which resource kind it was built from. */
  source: 'Pod' | 'WorkloadEndpoint' | 'HostEndpoint';
  span: Span;
}

/** Endpoints sorted by key. */
export interface Inventory {
  endpoints: Endpoint[];
}
