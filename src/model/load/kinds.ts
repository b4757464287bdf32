import type { ResourceKind } from '../resources.js';

/** API groups that serve the Calico kinds: the aggregated API, and the CRDs underneath it. */
export const CALICO_API_VERSIONS = ['projectcalico.org/v3', 'crd.projectcalico.org/v1'] as const;

export interface KindRoute {
  kind: ResourceKind;
}

const CALICO_KINDS: readonly ResourceKind[] = [
  'GlobalNetworkPolicy',
  'NetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
  'Tier',
  'Profile',
  'HostEndpoint',
  'WorkloadEndpoint',
  'GlobalNetworkSet',
  'NetworkSet',
  'IPPool',
];

/** apiVersion + kind → resource kind. */
const ROUTES = new Map<string, KindRoute>();
for (const apiVersion of CALICO_API_VERSIONS) {
  for (const kind of CALICO_KINDS) ROUTES.set(`${apiVersion} ${kind}`, { kind });
}
ROUTES.set('networking.k8s.io/v1 NetworkPolicy', { kind: 'KubernetesNetworkPolicy' });
ROUTES.set('v1 Namespace', { kind: 'Namespace' });
ROUTES.set('v1 Pod', { kind: 'Pod' });
ROUTES.set('v1 ServiceAccount', { kind: 'ServiceAccount' });

/**
 * Versions of kinds calpol reads that no current cluster serves: Kubernetes removed
 * extensions/v1beta1 NetworkPolicy in 1.16 (many old posts still use it), so kubectl
 * refuses the file.
 */
const REMOVED_API_VERSIONS: ReadonlyMap<string, string> = new Map([['extensions/v1beta1 NetworkPolicy', 'networking.k8s.io/v1']]);

/** Kinds of Calico's v1 API (calicoctl before 3.0), which Calico 3 no longer serves. */
const CALICO_V1_KINDS: ReadonlySet<string> = new Set(['policy', 'profile', 'hostEndpoint', 'workloadEndpoint', 'ipPool', 'tier', 'bgpPeer', 'node']);

/** Groups whose `...Policy` kinds carry network policy (besides policy.networking.k8s.io, all of whose kinds do). */
const POLICY_GROUPS: ReadonlySet<string> = new Set(['networking.k8s.io', 'projectcalico.org', 'crd.projectcalico.org']);
/** Calico Enterprise kinds in those groups that feed policy: a threat feed fills the GlobalNetworkSets policies select. */
const POLICY_FEEDING_KINDS: ReadonlySet<string> = new Set(['GlobalThreatFeed']);

/** Why a document calpol does not read is not read, which decides how loudly to say so. */
export type UnreadDocument =
  /** A kind calpol reads, under an apiVersion that does not serve it (a typo, `projectcalico.org/v2`). */
  | { reason: 'wrongApiVersion'; expected: string[] }
  /** A kind calpol reads, in an API version clusters no longer serve. */
  | { reason: 'removedApiVersion'; replacement: string }
  /** A kind of Calico's v1 API. */
  | { reason: 'calicoV1' }
  /** A kind that carries network policy calpol does not enforce (AdminNetworkPolicy, ...). */
  | { reason: 'unenforcedPolicy' }
  /** An unknown kind in a group calpol reads, close to one of its kinds: a typo. */
  | { reason: 'misspelt'; suggestion: string }
  /** Anything else: a kind that carries no policy (Deployment, Service, BGPPeer, ...). */
  | { reason: 'noPolicy' };

export function classifyUnread(apiVersion: string, kind: string, suggest: (kind: string) => string | undefined): UnreadDocument {
  const removed = REMOVED_API_VERSIONS.get(`${apiVersion} ${kind}`);
  if (removed) return { reason: 'removedApiVersion', replacement: removed };
  const expected = apiVersionsOf(kind);
  if (expected.length > 0) return { reason: 'wrongApiVersion', expected };
  if (apiVersion === 'v1' && CALICO_V1_KINDS.has(kind)) return { reason: 'calicoV1' };
  const group = apiVersion.includes('/') ? (apiVersion.split('/')[0] as string) : '';
  if (group === 'policy.networking.k8s.io' || (POLICY_GROUPS.has(group) && (kind.endsWith('Policy') || POLICY_FEEDING_KINDS.has(kind)))) {
    return { reason: 'unenforcedPolicy' };
  }
  const suggestion = isKnownApiVersion(apiVersion) ? suggest(kind) : undefined;
  if (suggestion) return { reason: 'misspelt', suggestion };
  return { reason: 'noPolicy' };
}

export function routeKind(apiVersion: string, kind: string): KindRoute | undefined {
  return ROUTES.get(`${apiVersion} ${kind}`);
}

/** Every kind name calpol reads (as written in documents), for suggestions. */
export const KNOWN_KIND_NAMES: readonly string[] = [...new Set([...ROUTES.keys()].map((key) => key.split(' ')[1] as string))];

/** The apiVersions under which a kind name is read, for the "unsupported apiVersion" message. */
export function apiVersionsOf(kind: string): string[] {
  return [...ROUTES.keys()].filter((key) => key.endsWith(` ${kind}`)).map((key) => key.split(' ')[0] as string);
}

/** API groups whose kinds calpol knows some of: an unknown kind there is likely a typo. */
export function isKnownApiVersion(apiVersion: string): boolean {
  return [...ROUTES.keys()].some((key) => key.startsWith(`${apiVersion} `));
}

/** `kind: List` and typed lists (`NetworkPolicyList`, `PodList`), as kubectl and calicoctl print them. */
export function isListKind(kind: string): boolean {
  return kind === 'List' || (kind.length > 4 && kind.endsWith('List'));
}
