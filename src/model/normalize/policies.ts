import type { Span } from '../../diag/index.js';
import type {
  CalicoPolicyResource,
  K8sNetworkPolicyResource,
  PolicySpec,
  ResourceBase,
  StagedK8sNetworkPolicyResource,
} from '../resources.js';
import type { Policy, PolicyDirections, PolicyKind, PolicyRule } from '../types.js';
import { namespaceOf } from '../identity.js';
import { DEFAULT_TIER, K8S_POLICY_ORDER } from './constants.js';
import { convertK8sPolicy, type ConvertedRule } from './k8s-policy.js';
import { normalizeRule, normalizeRuleList, type RuleContext } from './policy-rule.js';
import { globalPolicySelector, namespacedPolicySelector, type SelectorCache } from './selectors.js';
import { compareText } from './tiers.js';

/** Felix's short kind names (`felix/types/policy_id.go`), used in policy keys. */
const SHORT_KIND: Readonly<Record<PolicyKind, string>> = {
  GlobalNetworkPolicy: 'gnp',
  NetworkPolicy: 'np',
  KubernetesNetworkPolicy: 'knp',
  StagedGlobalNetworkPolicy: 'sgnp',
  StagedNetworkPolicy: 'snp',
  StagedKubernetesNetworkPolicy: 'sknp',
};

/** `gnp/<name>` for global kinds, `np/<ns>/<name>` for namespaced ones. */
export function policyKey(kind: PolicyKind, name: string, namespace: string | undefined): string {
  return namespace === undefined ? `${SHORT_KIND[kind]}/${name}` : `${SHORT_KIND[kind]}/${namespace}/${name}`;
}

export const isGlobalPolicyKind = (kind: PolicyKind): boolean =>
  kind === 'GlobalNetworkPolicy' || kind === 'StagedGlobalNetworkPolicy';

const isStagedKind = (kind: PolicyKind): boolean => kind.startsWith('Staged');

/**
 * The canonical order of policies in a PolicySet: global kinds first, then by namespace,
 * name and kind (bytewise). It is also calpol's tie-break between policies of equal order
 * in one tier, so the plan can order each tier by `order` alone, keeping this order
 * among equals, instead of sorting with string comparisons (see src/tiers/order.ts).
 */
export function comparePolicyIdentity(a: Policy, b: Policy): number {
  const aGlobal = a.namespace === undefined;
  if (aGlobal !== (b.namespace === undefined)) return aGlobal ? -1 : 1;
  return compareText(a.namespace ?? '', b.namespace ?? '') || compareText(a.name, b.name) || compareText(a.kind, b.kind);
}

/**
 * `types` as the API server defaults it when empty (api/pkg/defaults `defaultPolicyTypesField`):
 * no egress rules → Ingress (even with no ingress rules either); only egress rules → Egress;
 * both → both.
 */
export function defaultedDirections(spec: Pick<PolicySpec, 'types' | 'ingress' | 'egress'>): PolicyDirections {
  const types = spec.types ?? [];
  if (types.length > 0) return { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
  const hasIngress = (spec.ingress ?? []).length > 0;
  const hasEgress = (spec.egress ?? []).length > 0;
  if (!hasEgress) return { ingress: true, egress: false };
  if (!hasIngress) return { ingress: false, egress: true };
  return { ingress: true, egress: true };
}

type AnyPolicyResource = CalicoPolicyResource | K8sNetworkPolicyResource | StagedK8sNetworkPolicyResource;

/** The fields every policy shares, filled from the resource's identity. */
function policyShell(
  resource: ResourceBase<PolicyKind, unknown>,
  selector: Policy['selector'],
  stagedAction: string | undefined,
): Omit<Policy, 'tier' | 'appliesTo' | 'ingress' | 'egress'> {
  const kind = resource.kind;
  const namespace = isGlobalPolicyKind(kind) ? undefined : namespaceOf(resource);
  const shell: Omit<Policy, 'tier' | 'appliesTo' | 'ingress' | 'egress'> = {
    key: policyKey(kind, resource.metadata.name, namespace),
    kind,
    name: resource.metadata.name,
    staged: isStagedKind(kind),
    selector,
    applyOnForward: false,
    preDNAT: false,
    doNotTrack: false,
    span: resource.span,
    file: resource.span.file,
  };
  if (namespace !== undefined) shell.namespace = namespace;
  if (shell.staged) shell.stagedAction = (stagedAction ?? 'Set') as Policy['stagedAction'];
  return shell;
}

/**
 * A Calico (Staged)(Global)NetworkPolicy. Returns undefined for a staged policy with
 * `stagedAction: Delete`, which the syncer drops (it stages the removal of a policy).
 */
export function normalizeCalicoPolicy(cache: SelectorCache, resource: CalicoPolicyResource): Policy | undefined {
  const spec = resource.spec;
  if (spec.stagedAction === 'Delete') return undefined;
  const global = isGlobalPolicyKind(resource.kind);
  const namespace = global ? '' : namespaceOf(resource);
  const selectorText = global
    ? globalPolicySelector(cache, spec.selector, spec.namespaceSelector, spec.serviceAccountSelector)
    : namespacedPolicySelector(cache, spec.selector, namespace, spec.serviceAccountSelector);
  const context: RuleContext = { cache, namespace };
  const policy: Policy = {
    ...policyShell(resource, cache.parse(selectorText), spec.stagedAction),
    tier: spec.tier || DEFAULT_TIER,
    appliesTo: defaultedDirections(spec),
    ingress: normalizeRuleList(context, spec.ingress, '/spec/ingress', resource.spans, resource.span),
    egress: normalizeRuleList(context, spec.egress, '/spec/egress', resource.spans, resource.span),
  };
  if (spec.order !== undefined) policy.order = spec.order;
  if (global) {
    policy.applyOnForward = spec.applyOnForward ?? false;
    policy.preDNAT = spec.preDNAT ?? false;
    policy.doNotTrack = spec.doNotTrack ?? false;
  }
  return policy;
}

/** The (frozen) lists canonicalPolicies returned: known sorted without looking at them. */
const canonicalLists = new WeakSet<readonly Policy[]>();

/**
 * The policies in canonical order (comparePolicyIdentity), each record copied so that the
 * copies are allocated one after another, with one shared string per tier and namespace name.
 *
 * Why copy: a policy record is created amid its rules, selectors and spans, so in a large
 * cluster each record sits on its own memory page, and every walk over all policies (the
 * plan orders them; lint and the compilers visit them) pays a cache and TLB miss per policy.
 * At 10k policies, ordering them for the plan took 22 ms with the records where normalize
 * left them and 7 ms with them side by side (bench cluster L, 2-core VM). Sharing the tier and namespace strings
 * does the same for the plan's grouping and tie-break comparisons.
 */
export function canonicalPolicies(policies: readonly Policy[]): readonly Policy[] {
  const shared = new Map<string, string>();
  const share = (text: string): string => {
    const known = shared.get(text);
    if (known !== undefined) return known;
    shared.set(text, text);
    return text;
  };
  const copies = policies.map((policy) => {
    const copy: Policy = { ...policy, tier: share(policy.tier) };
    if (policy.namespace !== undefined) copy.namespace = share(policy.namespace);
    return copy;
  });
  // Sorted by one string per policy, in comparePolicyIdentity's order: comparing the
  // fields themselves read two records and up to six strings per comparison.
  const keys = copies.map(identityKey);
  const sorted = keys.every((key) => key !== undefined)
    ? Array.from(copies.keys())
        .sort((a, b) => compareText(keys[a] as string, keys[b] as string))
        .map((index) => copies[index] as Policy)
    : copies.sort(comparePolicyIdentity);
  const canonical = Object.freeze(sorted);
  canonicalLists.add(canonical);
  return canonical;
}

/**
 * A string whose order is comparePolicyIdentity's: global kinds (`0`) before namespaced
 * ones (`1`), then namespace, name and kind, each ended by a NUL, so a field that is a
 * prefix of another sorts first, as it does field by field. Undefined when a name holds
 * a NUL itself (validation rejects such names; the caller then compares the fields).
 */
function identityKey(policy: Policy): string | undefined {
  if (policy.name.includes('\u0000') || policy.namespace?.includes('\u0000')) return undefined;
  return policy.namespace === undefined ? `0${policy.name}\u0000${policy.kind}` : `1${policy.namespace}\u0000${policy.name}\u0000${policy.kind}`;
}

/**
 * Whether `policies` is a list normalize sorted by comparePolicyIdentity. It is frozen, so
 * it cannot have been reordered since; any other list answers false, even when sorted.
 */
export function isCanonicalPolicyList(policies: readonly Policy[]): boolean {
  return canonicalLists.has(policies);
}

/** The span of a JSON pointer, or of its nearest written ancestor. */
export function spanLookup(resource: ResourceBase<string, unknown>): (pointer: string) => Span {
  return (pointer) => {
    for (let at = pointer; at !== ''; at = at.slice(0, at.lastIndexOf('/'))) {
      const span = resource.spans[at];
      if (span) return span;
    }
    return resource.span;
  };
}

/**
 * A (Staged)KubernetesNetworkPolicy: converted to Calico rules (§3.7), placed in tier
 * `default` at order 1000, then rewritten like any namespaced policy.
 */
export function normalizeK8sPolicy(
  cache: SelectorCache,
  resource: K8sNetworkPolicyResource | StagedK8sNetworkPolicyResource,
): Policy | undefined {
  const stagedAction = resource.kind === 'StagedKubernetesNetworkPolicy' ? resource.spec.stagedAction : undefined;
  if (stagedAction === 'Delete') return undefined;
  const namespace = namespaceOf(resource);
  const converted = convertK8sPolicy(resource.spec, spanLookup(resource));
  const context: RuleContext = { cache, namespace };
  const toRules = (rules: ConvertedRule[]): PolicyRule[] =>
    rules.map((converted, index) => normalizeRule(context, converted.rule, index, converted.spans));
  return {
    ...policyShell(resource, cache.parse(namespacedPolicySelector(cache, converted.selector, namespace, undefined)), stagedAction),
    tier: DEFAULT_TIER,
    order: K8S_POLICY_ORDER,
    appliesTo: converted.appliesTo,
    ingress: toRules(converted.ingress),
    egress: toRules(converted.egress),
  };
}

export function normalizePolicy(cache: SelectorCache, resource: AnyPolicyResource): Policy | undefined {
  return resource.kind === 'KubernetesNetworkPolicy' || resource.kind === 'StagedKubernetesNetworkPolicy'
    ? normalizeK8sPolicy(cache, resource)
    : normalizeCalicoPolicy(cache, resource);
}
