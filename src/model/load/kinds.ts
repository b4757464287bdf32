import type { ResourceKind } from '../resources.js';

/** API groups that serve the Calico kinds: the aggregated API, and the CRDs underneath it. */
export const CALICO_API_VERSIONS = ['projectcalico.org/v3', 'crd.projectcalico.org/v1'] as const;

export interface KindRoute {
  kind: ResourceKind;
  /** Set for API versions read as a newer one, with a warning. */
  readAs?: string;
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
// The seeds (and many old blog posts) still use the group NetworkPolicy left in Kubernetes
// 1.16. The object is the same apart from defaults calpol applies anyway: read it as v1.
ROUTES.set('extensions/v1beta1 NetworkPolicy', { kind: 'KubernetesNetworkPolicy', readAs: 'networking.k8s.io/v1' });
ROUTES.set('v1 Namespace', { kind: 'Namespace' });
ROUTES.set('v1 Pod', { kind: 'Pod' });
ROUTES.set('v1 ServiceAccount', { kind: 'ServiceAccount' });

export function routeKind(apiVersion: string, kind: string): KindRoute | undefined {
  return ROUTES.get(`${apiVersion} ${kind}`);
}

/** Every kind name calpol reads (as written in documents), for suggestions. */
export const KNOWN_KIND_NAMES: readonly string[] = [...new Set([...ROUTES.keys()].map((key) => key.split(' ')[1] as string))];

/** The apiVersions under which a kind name is read, for the "unsupported apiVersion" message. */
export function apiVersionsOf(kind: string): string[] {
  return [...ROUTES.entries()].filter(([key, route]) => key.endsWith(` ${kind}`) && !route.readAs).map(([key]) => key.split(' ')[0] as string);
}

/** API groups whose kinds calpol knows some of: an unknown kind there is likely a typo. */
export function isKnownApiVersion(apiVersion: string): boolean {
  return [...ROUTES.keys()].some((key) => key.startsWith(`${apiVersion} `));
}

/** `kind: List` and typed lists (`NetworkPolicyList`, `PodList`), as kubectl and calicoctl print them. */
export function isListKind(kind: string): boolean {
  return kind === 'List' || (kind.length > 4 && kind.endsWith('List'));
}
