import { compareSpans, report, syntheticSpan, type Diagnostic, type Span } from '../../diag/index.js';
import type { NamespaceResource, ProfileResource, ServiceAccountResource } from '../resources.js';
import type { PolicyRule, Profile } from '../types.js';
import {
  LABEL_NAME,
  NAMESPACE_LABEL_PREFIX,
  NAMESPACE_PROFILE_PREFIX,
  SERVICE_ACCOUNT_LABEL_PREFIX,
  SERVICE_ACCOUNT_PROFILE_PREFIX,
  namespaceProfileName,
  serviceAccountProfileName,
} from './constants.js';
import { NAMESPACE_NAME_LABEL, namespaceOf } from '../identity.js';
import { prefixedLabels, sortedLabels } from './labels.js';
import { normalizeRule, normalizeRuleList, type RuleContext } from './policy-rule.js';
import { duplicateResource } from '../rules/index.js';
import { namespaceNotDefined } from './rules.js';
import type { SelectorCache } from './selectors.js';

/**
 * Profiles: user-written ones, and the implicit k8s profiles the Calico Kubernetes
 * datastore synthesizes (conversion `NamespaceToProfile`, `ServiceAccountToProfile`).
 */

/** Namespaces and service accounts that need an implicit profile, with where they were seen. */
export class ProfileReferences {
  /** namespace → earliest span that referenced it. */
  readonly namespaces = new Map<string, Span>();
  /** `ns\0sa` → earliest span. */
  readonly serviceAccounts = new Map<string, Span>();

  addNamespace(namespace: string, span: Span): void {
    const seen = this.namespaces.get(namespace);
    if (!seen || compareSpans(span, seen) < 0) this.namespaces.set(namespace, span);
  }

  addServiceAccount(namespace: string, serviceAccount: string, span: Span): void {
    const key = `${namespace}\u0000${serviceAccount}`;
    const seen = this.serviceAccounts.get(key);
    if (!seen || compareSpans(span, seen) < 0) this.serviceAccounts.set(key, span);
  }

  /** Record what a profile name implies: `kns.<ns>` or `ksa.<ns>.<sa>`. */
  addProfileName(profile: string, span: Span): void {
    if (profile.startsWith(NAMESPACE_PROFILE_PREFIX)) {
      this.addNamespace(profile.slice(NAMESPACE_PROFILE_PREFIX.length), span);
    } else if (profile.startsWith(SERVICE_ACCOUNT_PROFILE_PREFIX)) {
      const [namespace, serviceAccount] = splitOnce(profile.slice(SERVICE_ACCOUNT_PROFILE_PREFIX.length), '.');
      if (namespace && serviceAccount) this.addServiceAccount(namespace, serviceAccount, span);
    }
  }
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function userProfile(cache: SelectorCache, resource: ProfileResource): Profile {
  const context: RuleContext = { cache, namespace: '' };
  return {
    name: resource.metadata.name,
    ingress: normalizeRuleList(context, resource.spec.ingress, '/spec/ingress', resource.spans, resource.span),
    egress: normalizeRuleList(context, resource.spec.egress, '/spec/egress', resource.spans, resource.span),
    labelsToApply: sortedLabels(resource.spec.labelsToApply ?? {}),
    span: resource.span,
    builtIn: false,
  };
}

function allowAll(cache: SelectorCache, span: Span): PolicyRule[] {
  return [normalizeRule({ cache, namespace: '' }, { action: 'Allow' }, 0, { rule: span })];
}

export interface ProfileInputs {
  profiles: readonly ProfileResource[];
  namespaces: readonly NamespaceResource[];
  serviceAccounts: readonly ServiceAccountResource[];
  references: ProfileReferences;
}

/**
 * The Namespace or ServiceAccount a profile name is derived from, when the input holds it:
 * `kns.<ns>` from Namespace `<ns>`, `ksa.<ns>.<sa>` from ServiceAccount `<sa>` in `<ns>`.
 */
function derivingResource(
  name: string,
  namespaces: ReadonlyMap<string, NamespaceResource>,
  accounts: ReadonlyMap<string, ServiceAccountResource>,
): NamespaceResource | ServiceAccountResource | undefined {
  if (name.startsWith(NAMESPACE_PROFILE_PREFIX)) return namespaces.get(name.slice(NAMESPACE_PROFILE_PREFIX.length));
  if (!name.startsWith(SERVICE_ACCOUNT_PROFILE_PREFIX)) return undefined;
  // Namespace names hold no dot, so the first dot ends the namespace.
  const [namespace, account] = splitOnce(name.slice(SERVICE_ACCOUNT_PROFILE_PREFIX.length), '.');
  return namespace && account ? accounts.get(`${namespace}\u0000${account}`) : undefined;
}

function derivedProfileFinding(profile: ProfileResource, source: NamespaceResource | ServiceAccountResource): Diagnostic {
  const where = `${source.span.file}:${source.span.line}`;
  const what = source.kind === 'Namespace' ? `Namespace ${source.metadata.name}` : `ServiceAccount ${namespaceOf(source)}/${source.metadata.name}`;
  return report(duplicateResource, 'derivedProfile', profile.spans['/metadata/name'] ?? profile.span, { name: profile.metadata.name, source: what, first: where }, { severity: 'warning' });
}

/**
 * All profiles by name. `kns.<ns>`: allow all in and out, labels pcns.* plus
 * pcns.projectcalico.org/name. `ksa.<ns>.<sa>`: no rules, labels pcsa.* plus
 * pcsa.projectcalico.org/name. A user-written profile of the same name wins (a
 * `calicoctl get profiles` dump contains the synthesized ones). An implicit namespace
 * profile without its Namespace resource is reported (info): its labels are unknown.
 */
export function buildProfiles(
  cache: SelectorCache,
  inputs: ProfileInputs,
): { profiles: Map<string, Profile>; diagnostics: Diagnostic[] } {
  const profiles = new Map<string, Profile>();
  const namespaceResources = new Map(inputs.namespaces.map((ns) => [ns.metadata.name, ns]));
  const accountResources = new Map(inputs.serviceAccounts.map((sa) => [`${namespaceOf(sa)}\u0000${sa.metadata.name}`, sa]));
  const diagnostics: Diagnostic[] = [];
  for (const resource of inputs.profiles) {
    const source = derivingResource(resource.metadata.name, namespaceResources, accountResources);
    if (source) {
      diagnostics.push(derivedProfileFinding(resource, source));
      continue;
    }
    profiles.set(resource.metadata.name, userProfile(cache, resource));
  }

  const namespaceNames = new Set([...namespaceResources.keys(), ...inputs.references.namespaces.keys()]);
  for (const namespace of namespaceNames) {
    const name = namespaceProfileName(namespace);
    if (profiles.has(name)) continue;
    const resource = namespaceResources.get(namespace);
    const span = resource?.span ?? syntheticSpan();
    const profile: Profile = {
      name,
      ingress: allowAll(cache, span),
      egress: allowAll(cache, span),
      labelsToApply: sortedLabels({
        // The API server labels every Namespace with its name (Kubernetes 1.21+), so a
        // manifest that leaves the label out still has it in the cluster.
        [NAMESPACE_LABEL_PREFIX + NAMESPACE_NAME_LABEL]: namespace,
        ...prefixedLabels(resource?.metadata.labels, NAMESPACE_LABEL_PREFIX),
        [NAMESPACE_LABEL_PREFIX + LABEL_NAME]: namespace,
      }),
      builtIn: true,
    };
    if (resource) profile.span = resource.span;
    else diagnostics.push(report(namespaceNotDefined, 'namespace', inputs.references.namespaces.get(namespace), { namespace }));
    profiles.set(name, profile);
  }

  const accountKeys = new Set([...accountResources.keys(), ...inputs.references.serviceAccounts.keys()]);
  for (const key of accountKeys) {
    const [namespace, serviceAccount] = splitOnce(key, '\u0000') as [string, string];
    const name = serviceAccountProfileName(namespace, serviceAccount);
    if (profiles.has(name)) continue;
    const resource = accountResources.get(key);
    const profile: Profile = {
      name,
      ingress: [],
      egress: [],
      labelsToApply: sortedLabels({
        ...prefixedLabels(resource?.metadata.labels, SERVICE_ACCOUNT_LABEL_PREFIX),
        [SERVICE_ACCOUNT_LABEL_PREFIX + LABEL_NAME]: serviceAccount,
      }),
      builtIn: true,
    };
    if (resource) profile.span = resource.span;
    profiles.set(name, profile);
  }
  return { profiles, diagnostics };
}
