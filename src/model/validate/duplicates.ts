import { compareSpans, report, type Diagnostic } from '../../diag/index.js';
import { NAMESPACE_NAME_LABEL, namespaceOf, resourceIdentity } from '../identity.js';
import type { Resource } from '../resources.js';
import { duplicateResource } from '../rules/index.js';
import { KIND_SCHEMAS } from '../schema/index.js';
import { escapePointer } from './names.js';

/**
 * The same resource (kind, namespace, name) given twice. A repository plus a cluster dump
 * often holds the same Namespace or policy twice: when what calpol reads of the two is the
 * same, they are one resource (a note). When it differs, the cluster holds whichever was
 * applied last, which calpol cannot know: an error at the later one (by file and
 * position, so the choice does not depend on input order), naming the first and the
 * fields that differ.
 */
export function findDuplicates(resources: readonly Resource[]): { diagnostic: Diagnostic; resource: Resource }[] {
  const groups = new Map<string, Resource[]>();
  for (const resource of resources) {
    if (!resource.metadata.name) continue; // a missing name is reported elsewhere
    const identity = resourceIdentity(resource);
    const group = groups.get(identity);
    if (group) group.push(resource);
    else groups.set(identity, [resource]);
  }
  const found: { diagnostic: Diagnostic; resource: Resource }[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    group.sort((a, b) => compareSpans(a.span, b.span));
    const first = group[0] as Resource;
    const content = readContent(first);
    for (const later of group.slice(1)) {
      const differences = differingPointers(content, readContent(later));
      found.push({ diagnostic: duplicateFinding(first, later, differences), resource: later });
    }
  }
  return found;
}

function duplicateFinding(first: Resource, later: Resource, differences: readonly string[]): Diagnostic {
  const where = `${first.span.file}:${first.spans['/metadata/name']?.line ?? first.span.line}`;
  const name = KIND_SCHEMAS[later.kind].namespaced ? `${namespaceOf(later)}/${later.metadata.name}` : later.metadata.name;
  const span = later.spans['/metadata/name'] ?? later.span;
  if (differences.length === 0) return report(duplicateResource, 'identical', span, { kind: later.kind, name, first: where }, { severity: 'info' });
  const shown = differences.slice(0, 5).join(', ') + (differences.length > 5 ? `, and ${differences.length - 5} more` : '');
  return report(duplicateResource, 'differs', span, { kind: later.kind, name, first: where, fields: shown });
}

/** Pod annotations calpol reads (the Calico CNI plugin's addresses). */
const READ_ANNOTATION_PREFIX = 'cni.projectcalico.org/';

/**
 * What calpol reads of a resource, as plain data: labels, spec, a Pod's status and CNI
 * annotations. Server-set fields (uid, resourceVersion, a Namespace's finalizers, kubectl's
 * last-applied annotation) are not read, so a manifest and a dump of the same object agree.
 */
function readContent(resource: Resource): Record<string, unknown> {
  const labels = { ...(resource.metadata.labels ?? {}) };
  if (resource.kind === 'Namespace' || resource.kind === 'ServiceAccount') {
    if (resource.kind === 'Namespace') delete labels[NAMESPACE_NAME_LABEL]; // set by the API server, so a manifest may leave it out
    return { metadata: { labels } };
  }
  const content: Record<string, unknown> = { metadata: { labels }, spec: resource.spec };
  if (resource.kind === 'Pod') {
    const annotations = Object.entries(resource.metadata.annotations ?? {}).filter(([key]) => key.startsWith(READ_ANNOTATION_PREFIX));
    content.metadata = { labels, annotations: Object.fromEntries(annotations) };
    content.status = resource.status ?? {};
  }
  return content;
}

/** JSON pointers (in sorted order) at which two plain values differ. */
function differingPointers(a: unknown, b: unknown, pointer = ''): string[] {
  if (a === b) return [];
  const aObject = a !== null && typeof a === 'object';
  const bObject = b !== null && typeof b === 'object';
  if (!aObject || !bObject || Array.isArray(a) !== Array.isArray(b)) return [pointer || '/'];
  if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) return [pointer || '/'];
  const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
  return keys.flatMap((key) =>
    differingPointers((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${pointer}/${escapePointer(key)}`),
  );
}
