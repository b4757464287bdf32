import { report, sortDiagnostics, type Diagnostic, type Span } from '../../diag/index.js';
import type {
  CalicoPolicyResource,
  HostEndpointResource,
  IPPoolResource,
  K8sNetworkPolicyResource,
  NamespaceResource,
  NetworkSetResource,
  PodResource,
  ProfileResource,
  Resource,
  ServiceAccountResource,
  StagedK8sNetworkPolicyResource,
  TierResource,
  WorkloadEndpointResource,
} from '../resources.js';
import type { DeclaredTier, Endpoint, Inventory, NetworkSet, Policy, PolicySet, Profile } from '../types.js';
import { DEFAULT_INTERFACE_PREFIX } from './constants.js';
import { namespaceOf } from '../identity.js';
import { dropDuplicateKeys, dropDuplicates } from './dedupe.js';
import {
  hostEndpointToEndpoint,
  podIdentityOfWorkloadEndpoint,
  podToEndpoint,
  workloadEndpointToEndpoint,
} from './inventory.js';
import { EffectiveLabels } from './labels.js';
import { normalizeIPPool, normalizeNetworkSet } from './network.js';
import { canonicalPolicies, normalizePolicy } from './policies.js';
import { buildProfiles, ProfileReferences } from './profiles.js';
import { inventoryIncomplete } from './rules.js';
import { SelectorCache } from './selectors.js';
import { buildTiers, compareText } from './tiers.js';

export { normalizeRules } from './rules.js';
export { vethNameForWorkload } from './inventory.js';
export { canonicalPolicies, comparePolicyIdentity, isCanonicalPolicyList, policyKey } from './policies.js';
export { BUILT_IN_TIERS } from './tiers.js';
export { k8sSelectorToCalico } from './k8s-policy.js';

export interface NormalizeOptions {
  /** Host-side interface prefix for pods (Felix `InterfacePrefix`, first entry). Default `cali`. */
  interfacePrefix?: string;
  /** Tiers defined outside the inputs (see ModelOptions.declaredTiers). */
  declaredTiers?: readonly DeclaredTier[];
}

export interface NormalizeResult {
  policySet: PolicySet;
  inventory: Inventory;
  diagnostics: Diagnostic[];
}

type PolicyResource = CalicoPolicyResource | K8sNetworkPolicyResource | StagedK8sNetworkPolicyResource;

/** Resources split by kind (after duplicates are dropped). */
interface Buckets {
  policies: PolicyResource[];
  tiers: TierResource[];
  profiles: ProfileResource[];
  hostEndpoints: HostEndpointResource[];
  workloadEndpoints: WorkloadEndpointResource[];
  networkSets: NetworkSetResource[];
  ipPools: IPPoolResource[];
  pods: PodResource[];
  namespaces: NamespaceResource[];
  serviceAccounts: ServiceAccountResource[];
}

function bucketByKind(resources: readonly Resource[]): Buckets {
  const buckets: Buckets = {
    policies: [],
    tiers: [],
    profiles: [],
    hostEndpoints: [],
    workloadEndpoints: [],
    networkSets: [],
    ipPools: [],
    pods: [],
    namespaces: [],
    serviceAccounts: [],
  };
  for (const resource of resources) {
    switch (resource.kind) {
      case 'Tier':
        buckets.tiers.push(resource);
        break;
      case 'Profile':
        buckets.profiles.push(resource);
        break;
      case 'HostEndpoint':
        buckets.hostEndpoints.push(resource);
        break;
      case 'WorkloadEndpoint':
        buckets.workloadEndpoints.push(resource);
        break;
      case 'NetworkSet':
      case 'GlobalNetworkSet':
        buckets.networkSets.push(resource);
        break;
      case 'IPPool':
        buckets.ipPools.push(resource);
        break;
      case 'Pod':
        buckets.pods.push(resource);
        break;
      case 'Namespace':
        buckets.namespaces.push(resource);
        break;
      case 'ServiceAccount':
        buckets.serviceAccounts.push(resource);
        break;
      default:
        buckets.policies.push(resource);
    }
  }
  return buckets;
}

function normalizePolicies(cache: SelectorCache, resources: readonly PolicyResource[]) {
  const policies: Policy[] = [];
  const tierSpans = new Map<string, Span>();
  for (const resource of resources) {
    const policy = normalizePolicy(cache, resource);
    if (!policy) continue;
    policies.push(policy);
    const tierSpan = resource.spans['/spec/tier'];
    if (tierSpan) tierSpans.set(policy.key, tierSpan);
  }
  return { policies, tierSpans };
}

/** Pods, WorkloadEndpoints (unless their Pod is present) and HostEndpoints, unsorted. */
function buildEndpoints(buckets: Buckets, interfacePrefix: string, references: ProfileReferences) {
  const endpoints: Endpoint[] = [];
  const diagnostics: Diagnostic[] = [];
  const podIdentities = new Set<string>();
  for (const pod of buckets.pods) {
    const converted = podToEndpoint(pod, interfacePrefix);
    diagnostics.push(...converted.diagnostics);
    if (!converted.endpoint) continue;
    podIdentities.add(`${namespaceOf(pod)}/${pod.metadata.name}`);
    endpoints.push(converted.endpoint);
  }
  for (const wep of buckets.workloadEndpoints) {
    const podIdentity = podIdentityOfWorkloadEndpoint(wep);
    if (podIdentity !== undefined && podIdentities.has(podIdentity)) continue;
    const converted = workloadEndpointToEndpoint(wep);
    diagnostics.push(...converted.diagnostics);
    if (converted.endpoint) endpoints.push(converted.endpoint);
  }
  for (const hep of buckets.hostEndpoints) endpoints.push(hostEndpointToEndpoint(hep));
  const unique = dropDuplicateKeys(endpoints);
  for (const endpoint of unique.unique) {
    for (const profile of endpoint.profiles) references.addProfileName(profile, endpoint.span);
  }
  return { endpoints: unique.unique, diagnostics: [...diagnostics, ...unique.diagnostics] };
}

/** Effective labels from profiles; a warning for every profile an endpoint names that does not exist. */
function applyProfiles(
  holders: readonly (Endpoint | NetworkSet)[],
  profiles: ReadonlyMap<string, Profile>,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const effective = new EffectiveLabels((name: string) => profiles.get(name)?.labelsToApply);
  for (const holder of holders) {
    holder.labels = effective.of(holder.ownLabels, holder.profiles);
    for (const profile of holder.profiles) {
      if (profiles.has(profile)) continue;
      const kind = 'source' in holder ? holder.source : holder.kind;
      diagnostics.push(
        report(inventoryIncomplete, 'undefinedProfile', holder.span, { kind, name: holder.key, profile }),
      );
    }
  }
  return diagnostics;
}

const byKey = <T extends { key: string }>(a: T, b: T): number => compareText(a.key, b.key);
const byName = <T extends { name: string }>(a: T, b: T): number => compareText(a.name, b.name);

/**
 * Validated resources → the normalized policy set and inventory (see types.ts), plus
 * the diagnostics of normalization itself. Pure and deterministic: the output does not
 * depend on the order of `resources`. Linear in the input: every distinct selector text
 * is parsed once, and namespaces, service accounts and profiles are indexed once.
 */
export function normalize(resources: readonly Resource[], options: NormalizeOptions = {}): NormalizeResult {
  const buckets = bucketByKind(dropDuplicates(resources));
  const cache = new SelectorCache();

  const { policies, tierSpans } = normalizePolicies(cache, buckets.policies);
  const tiers = buildTiers(buckets.tiers, policies, tierSpans, options.declaredTiers);

  const references = new ProfileReferences();
  const endpoints = buildEndpoints(buckets, options.interfacePrefix ?? DEFAULT_INTERFACE_PREFIX, references);
  const networkSets = buckets.networkSets.map(normalizeNetworkSet);
  for (const set of networkSets) for (const profile of set.profiles) references.addProfileName(profile, set.span);

  const profiles = buildProfiles(cache, {
    profiles: buckets.profiles,
    namespaces: buckets.namespaces,
    serviceAccounts: buckets.serviceAccounts,
    references,
  });
  const profileDiagnostics = applyProfiles([...endpoints.endpoints, ...networkSets], profiles.profiles);

  return {
    policySet: {
      tiers: tiers.tiers,
      policies: canonicalPolicies(policies),
      profiles: [...profiles.profiles.values()].sort(byName),
      networkSets: networkSets.sort(byKey),
      ipPools: buckets.ipPools.map(normalizeIPPool).sort(byName),
    },
    inventory: { endpoints: endpoints.endpoints.sort(byKey) },
    diagnostics: sortDiagnostics([
      ...tiers.diagnostics,
      ...endpoints.diagnostics,
      ...profiles.diagnostics,
      ...profileDiagnostics,
    ]),
  };
}
