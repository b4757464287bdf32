import type { Span } from '../../src/diag/index.js';
import type {
  CalicoPolicyKind,
  CalicoPolicyResource,
  HostEndpointResource,
  K8sNetworkPolicyResource,
  K8sNetworkPolicySpec,
  NamespaceResource,
  NetworkSetResource,
  ObjectMeta,
  PodResource,
  PodSpec,
  PodStatus,
  PolicySpec,
  Resource,
  ServiceAccountResource,
  WorkloadEndpointResource,
} from '../../src/model/resources.js';

/**
 * Builders for already-validated resources. Each resource gets its own span (a distinct
 * offset in `test.yaml`), so spans are unique and stable regardless of input order.
 */
let nextOffset = 0;

export function spanAt(offset: number, file = 'test.yaml'): Span {
  return { file, line: offset + 1, column: 1, endLine: offset + 1, endColumn: 2, offset, length: 1 };
}

function freshSpan(): Span {
  nextOffset += 10;
  return spanAt(nextOffset);
}

function base<K extends string, S>(
  apiVersion: string,
  kind: K,
  metadata: ObjectMeta,
  spec: S,
  spans: Record<string, Span> = {},
) {
  return { apiVersion, kind, metadata, spec, span: freshSpan(), spans };
}

export function calicoPolicy(
  kind: CalicoPolicyKind,
  metadata: ObjectMeta,
  spec: PolicySpec,
  spans?: Record<string, Span>,
): CalicoPolicyResource {
  return base('projectcalico.org/v3', kind, metadata, spec, spans);
}

export const gnp = (name: string, spec: PolicySpec): CalicoPolicyResource =>
  calicoPolicy('GlobalNetworkPolicy', { name }, spec);

export const np = (namespace: string, name: string, spec: PolicySpec): CalicoPolicyResource =>
  calicoPolicy('NetworkPolicy', { name, namespace }, spec);

export function k8sPolicy(namespace: string, name: string, spec: K8sNetworkPolicySpec): K8sNetworkPolicyResource {
  return base('networking.k8s.io/v1', 'KubernetesNetworkPolicy', { name, namespace }, spec);
}

export function pod(
  namespace: string,
  name: string,
  options: { labels?: Record<string, string>; annotations?: Record<string, string>; spec?: PodSpec; status?: PodStatus } = {},
): PodResource {
  const metadata: ObjectMeta = { name, namespace };
  if (options.labels) metadata.labels = options.labels;
  if (options.annotations) metadata.annotations = options.annotations;
  const resource: PodResource = base('v1', 'Pod', metadata, options.spec ?? { nodeName: 'node-1' });
  if (options.status) resource.status = options.status;
  return resource;
}

export const namespace = (name: string, labels?: Record<string, string>): NamespaceResource =>
  base('v1', 'Namespace', labels ? { name, labels } : { name }, {});

export const serviceAccount = (ns: string, name: string, labels?: Record<string, string>): ServiceAccountResource =>
  base('v1', 'ServiceAccount', labels ? { name, namespace: ns, labels } : { name, namespace: ns }, {});

export function workloadEndpoint(
  metadata: ObjectMeta,
  spec: WorkloadEndpointResource['spec'],
): WorkloadEndpointResource {
  return base('projectcalico.org/v3', 'WorkloadEndpoint', metadata, spec);
}

export function hostEndpoint(metadata: ObjectMeta, spec: HostEndpointResource['spec']): HostEndpointResource {
  return base('projectcalico.org/v3', 'HostEndpoint', metadata, spec);
}

export function networkSet(
  kind: 'NetworkSet' | 'GlobalNetworkSet',
  metadata: ObjectMeta,
  nets: string[],
): NetworkSetResource {
  return base('projectcalico.org/v3', kind, metadata, { nets });
}

export function resource<R extends Resource>(
  kind: R['kind'],
  metadata: ObjectMeta,
  spec: R['spec'],
  spans?: Record<string, Span>,
): R {
  return base('projectcalico.org/v3', kind, metadata, spec, spans) as unknown as R;
}
