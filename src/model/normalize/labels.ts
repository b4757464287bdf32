/** Label-record helpers: every record the model hands out has sorted keys. */

export type Labels = Record<string, string>;

/** A copy with keys in sorted order (so JSON output and snapshots are stable). */
export function sortedLabels(labels: Readonly<Labels>): Labels {
  const sorted: Labels = {};
  for (const key of Object.keys(labels).sort()) sorted[key] = labels[key] as string;
  return sorted;
}

/** `{k: v}` → `{<prefix>k: v}`. */
export function prefixedLabels(labels: Readonly<Labels> | undefined, prefix: string): Labels {
  const prefixed: Labels = {};
  for (const [key, value] of Object.entries(labels ?? {})) prefixed[prefix + key] = value;
  return prefixed;
}

/**
 * Effective labels (felix labelindex `GetHandle`, reference §1.5): the endpoint's own
 * labels win; then each profile's labelsToApply, in the endpoint's profile order, and
 * the first profile that has a key wins.
 */
export function effectiveLabels(
  own: Readonly<Labels>,
  profiles: readonly string[],
  labelsOfProfile: (name: string) => Readonly<Labels> | undefined,
): Labels {
  const merged: Labels = { ...own };
  for (const profile of profiles) {
    for (const [key, value] of Object.entries(labelsOfProfile(profile) ?? {})) {
      if (!Object.hasOwn(merged, key)) merged[key] = value;
    }
  }
  return sortedLabels(merged);
}
