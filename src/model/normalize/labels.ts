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
 * Effective labels (felix labelindex `GetHandle`, docs/calico-semantics.md §1.5): the endpoint's own
 * labels win; then each profile's labelsToApply, in the endpoint's profile order, and
 * the first profile that has a key wins. The result has sorted keys.
 *
 * Built for many holders at once: the labels of each distinct profile list (every pod of
 * a namespace and service account has the same one) are merged and sorted once, and each
 * holder's sorted own labels are merged into them.
 */
export class EffectiveLabels {
  private readonly byProfileList = new Map<string, (readonly [string, string])[]>();

  constructor(private readonly labelsOfProfile: (name: string) => Readonly<Labels> | undefined) {}

  of(own: Readonly<Labels>, profiles: readonly string[]): Labels {
    const fromProfiles = this.profileLabels(profiles);
    if (fromProfiles.length === 0) return sortedLabels(own);
    const ownKeys = Object.keys(own).sort();
    const result: Labels = {};
    let p = 0;
    for (const key of ownKeys) {
      while (p < fromProfiles.length && (fromProfiles[p] as readonly [string, string])[0] < key) {
        const [profileKey, value] = fromProfiles[p++] as readonly [string, string];
        result[profileKey] = value;
      }
      // The endpoint's own value wins over a profile's for the same key.
      if (p < fromProfiles.length && (fromProfiles[p] as readonly [string, string])[0] === key) p++;
      result[key] = own[key] as string;
    }
    for (; p < fromProfiles.length; p++) {
      const [profileKey, value] = fromProfiles[p] as readonly [string, string];
      result[profileKey] = value;
    }
    return result;
  }

  /** The profiles' labels, first profile winning, sorted by key. */
  private profileLabels(profiles: readonly string[]): (readonly [string, string])[] {
    const listKey = profiles.join('\u0000');
    let entries = this.byProfileList.get(listKey);
    if (entries) return entries;
    const merged: Labels = {};
    for (const profile of profiles) {
      for (const [key, value] of Object.entries(this.labelsOfProfile(profile) ?? {})) {
        if (!Object.hasOwn(merged, key)) merged[key] = value;
      }
    }
    entries = Object.keys(merged)
      .sort()
      .map((key) => [key, merged[key] as string] as const);
    this.byProfileList.set(listKey, entries);
    return entries;
  }
}
