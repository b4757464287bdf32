import type { Resource } from './resources.js';
import { KIND_SCHEMAS } from './schema/index.js';

/** Namespace of a namespaced resource written without one (kubectl's and calicoctl's default). */
export const DEFAULT_NAMESPACE = 'default';

/** The namespace a namespaced resource lives in: kubectl's `default` when unset or empty. */
export function namespaceOf(resource: { metadata: { namespace?: string } }): string {
  return resource.metadata.namespace || DEFAULT_NAMESPACE;
}

/**
 * What the API keys a resource by: kind, namespace (for namespaced kinds) and name. A
 * Kubernetes NetworkPolicy and a Calico NetworkPolicy of the same name are different kinds.
 */
export function resourceIdentity(resource: Resource): string {
  const namespace = KIND_SCHEMAS[resource.kind].namespaced ? namespaceOf(resource) : '';
  return `${resource.kind}\u0000${namespace}\u0000${resource.metadata.name}`;
}

/** The label the API server puts on every Namespace (Kubernetes 1.21+): the namespace's own name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
