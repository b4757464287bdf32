import { compareSpans, report, type Diagnostic, type Span } from '../../diag/index.js';
import { resourceIdentity } from '../identity.js';
import type { Resource } from '../resources.js';
import { inventoryIncomplete } from './rules.js';

const describeSpan = (span: Span): string => `${span.file}:${span.line}:${span.column}`;

/**
 * Keep one resource per (kind, namespace, name): the first by file and position. Validation
 * reports every later one as `duplicate-resource` (an error, so the pipeline never gets
 * here with duplicates); this only keeps a direct call deterministic and consistent with it.
 * Sorting by span (not input order) keeps the choice independent of input order.
 */
export function dropDuplicates(resources: readonly Resource[]): Resource[] {
  const kept = new Map<string, Resource>();
  for (const resource of resources) {
    const identity = resourceIdentity(resource);
    const seen = kept.get(identity);
    if (!seen || compareSpans(resource.span, seen.span) < 0) kept.set(identity, resource);
  }
  return [...kept.values()];
}

/**
 * A Pod and a WorkloadEndpoint can still claim the same endpoint key (a WEP named like
 * a pod in its namespace). Keep the first by position, as for resources, and warn.
 */
export function dropDuplicateKeys<T extends { key: string; span: Span; source?: string }>(
  items: readonly T[],
): { unique: T[]; diagnostics: Diagnostic[] } {
  const byKey = new Map<string, T[]>();
  for (const item of items) {
    const group = byKey.get(item.key);
    if (group) group.push(item);
    else byKey.set(item.key, [item]);
  }
  const unique: T[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const group of byKey.values()) {
    if (group.length > 1) group.sort((a, b) => compareSpans(a.span, b.span));
    const kept = group[0] as T;
    unique.push(kept);
    for (const dropped of group.slice(1)) {
      diagnostics.push(
        report(inventoryIncomplete, 'conflictingEndpoint', dropped.span, {
          kind: dropped.source ?? 'Endpoint',
          name: dropped.key,
          other: describeSpan(kept.span),
        }),
      );
    }
  }
  return { unique, diagnostics };
}
