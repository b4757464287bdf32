import { report, type Diagnostic } from '../../diag/index.js';
import type { Resource } from '../resources.js';
import { duplicateResource } from '../rules/index.js';
import { KIND_SCHEMAS } from '../schema/index.js';

/**
 * The same resource (kind, namespace, name) given twice: the API keeps one, so which one
 * the cluster ends up with depends on apply order. Reported at the second, naming the first.
 * A Kubernetes NetworkPolicy and a Calico NetworkPolicy of the same name are different kinds.
 */
export function findDuplicates(resources: readonly Resource[]): { diagnostic: Diagnostic; resource: Resource }[] {
  const first = new Map<string, Resource>();
  const found: { diagnostic: Diagnostic; resource: Resource }[] = [];
  for (const resource of resources) {
    const name = resource.metadata.name;
    if (!name) continue; // a missing name is reported elsewhere
    const namespaced = KIND_SCHEMAS[resource.kind].namespaced;
    // kubectl and calicoctl put a namespaced resource without a namespace in "default".
    const namespace = namespaced ? (resource.metadata.namespace ?? 'default') : '';
    const key = `${resource.kind}\u0000${namespace}\u0000${name}`;
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, resource);
      continue;
    }
    const where = `${earlier.span.file}:${earlier.spans['/metadata/name']?.line ?? earlier.span.line}`;
    const span = resource.spans['/metadata/name'] ?? resource.span;
    const diagnostic = namespaced
      ? report(duplicateResource, 'duplicateNamespaced', span, { kind: resource.kind, namespace, name, first: where })
      : report(duplicateResource, 'duplicate', span, { kind: resource.kind, name, first: where });
    found.push({ diagnostic, resource });
  }
  return found;
}
