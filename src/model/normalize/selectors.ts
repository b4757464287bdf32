import { parseSelector, prefixLabels, type Selector } from '../../selector/index.js';
import type { EntityRule, ServiceAccountMatch } from '../resources.js';
import {
  LABEL_NAMESPACE,
  LABEL_SERVICE_ACCOUNT,
  NAMESPACE_LABEL_PREFIX,
  SERVICE_ACCOUNT_LABEL_PREFIX,
} from './constants.js';

/**
 * The selector rewrites Calico's syncer applies before Felix sees a policy
 * (libcalico-go syncersv1/updateprocessors: networkpolicyprocessor, globalnetworkpolicyprocessor,
 * rules `getEndpointSelector`, selectors `parseSelectorAttachPrefix`).
 *
 * Upstream builds the rewritten selectors by string composition: each prefixed part is
 * the canonical text of the prefixed parse, and the user's own selector text is pasted
 * in as written. Some replacements (`all()` → `has(...)`) are plain text replaces over
 * that composed string, so we compose text exactly the same way and parse the result
 * once. Validation has accepted every part, so a parse failure here is a bug: throw.
 */
export class SelectorCache {
  private readonly parsed = new Map<string, Selector>();
  private readonly prefixed = new Map<string, string>();

  /** Parse once per distinct text. */
  parse(text: string): Selector {
    let selector = this.parsed.get(text);
    if (!selector) {
      const result = parseSelector(text);
      if (!result.ok) {
        throw new Error(`normalize: rewritten selector does not parse (${result.error.message}): ${text}`);
      }
      selector = result.selector;
      this.parsed.set(text, selector);
    }
    return selector;
  }

  /** Upstream `parseSelectorAttachPrefix`: every label gets `prefix`; returns canonical text. */
  prefix(text: string, prefix: string): string {
    const cacheKey = `${prefix}\u0000${text}`;
    let canonical = this.prefixed.get(cacheKey);
    if (canonical === undefined) {
      canonical = prefixLabels(this.parse(text), prefix).canonical;
      this.prefixed.set(cacheKey, canonical);
    }
    return canonical;
  }

  /** Parse a non-empty rewritten text; empty text means "no selector". */
  parseOptional(text: string | undefined): Selector | undefined {
    return text ? this.parse(text) : undefined;
  }
}

/** Upstream `prefixAndAppendSelector`: `(current) && <prefixed>`, or just the prefixed part. */
function appendPrefixed(cache: SelectorCache, current: string, added: string, prefix: string): string {
  const prefixed = cache.prefix(added, prefix);
  return current ? `(${current}) && ${prefixed}` : prefixed;
}

const namespaceTerm = (namespace: string): string => `${LABEL_NAMESPACE} == '${namespace}'`;

/**
 * Policy selector of a namespaced policy (NP, SNP, KNP, SKNP): scoped to its namespace,
 * then ANDed with the pcsa.-prefixed serviceAccountSelector. No `all()` replacement here
 * (upstream does that only for global policies).
 */
export function namespacedPolicySelector(
  cache: SelectorCache,
  selector: string | undefined,
  namespace: string,
  serviceAccountSelector: string | undefined,
): string {
  let text = selector ? `(${selector}) && ${namespaceTerm(namespace)}` : namespaceTerm(namespace);
  if (serviceAccountSelector) text = appendPrefixed(cache, text, serviceAccountSelector, SERVICE_ACCOUNT_LABEL_PREFIX);
  return text;
}

/**
 * Policy selector of a global policy (GNP, SGNP). Why the `all()` replace runs over the
 * whole composed text, user selector included: that is what upstream does (a textual
 * `strings.Replace`), so a user `all()` in `selector` also becomes `has(...)` once a
 * namespaceSelector or serviceAccountSelector is set.
 */
export function globalPolicySelector(
  cache: SelectorCache,
  selector: string | undefined,
  namespaceSelector: string | undefined,
  serviceAccountSelector: string | undefined,
): string {
  let text = selector ?? '';
  if (namespaceSelector) {
    text = appendPrefixed(cache, text, namespaceSelector, NAMESPACE_LABEL_PREFIX);
    text = text.replaceAll('all()', `has(${LABEL_NAMESPACE})`);
  }
  if (serviceAccountSelector) {
    text = appendPrefixed(cache, text, serviceAccountSelector, SERVICE_ACCOUNT_LABEL_PREFIX);
    text = text.replaceAll('all()', `has(${LABEL_SERVICE_ACCOUNT})`);
  }
  return text;
}

/**
 * Upstream `parseServiceAccounts`: the pcsa.-prefixed selector, ANDed with
 * `projectcalico.org/serviceaccount in {names}` (selector first). Empty when neither is set.
 */
export function serviceAccountMatchSelector(cache: SelectorCache, match: ServiceAccountMatch | undefined): string {
  if (!match) return '';
  const prefixed = match.selector ? cache.prefix(match.selector, SERVICE_ACCOUNT_LABEL_PREFIX) : '';
  const names = match.names ?? [];
  if (names.length === 0) return prefixed;
  const namesText = cache.parse(`${LABEL_SERVICE_ACCOUNT} in { '${names.join("', '")}' }`).canonical;
  return prefixed ? `(${prefixed}) && (${namesText})` : namesText;
}

/**
 * Upstream `getEndpointSelector` for one side of a rule, with `namespace` the policy's
 * namespace ('' for global policies and profiles).
 *
 * Why the namespace term is conditional: upstream adds it only when the rule uses a
 * selector, notSelector or namespaceSelector, so a namespaced rule with only nets or
 * ports is NOT limited to the namespace, and a rule with only a notSelector gets the
 * namespace term as its positive selector. The notSelector itself stays as written.
 */
export function entitySelectorText(cache: SelectorCache, entity: EntityRule, namespace: string): string {
  const namespaceSelector = entity.namespaceSelector ?? '';
  let nsText = '';
  if (namespaceSelector) {
    nsText = cache
      .prefix(namespaceSelector, NAMESPACE_LABEL_PREFIX)
      .replaceAll('all()', `has(${LABEL_NAMESPACE})`)
      .replaceAll('global()', `!has(${LABEL_NAMESPACE})`);
  } else if (namespace) {
    nsText = namespaceTerm(namespace);
  }

  const positives = [serviceAccountMatchSelector(cache, entity.serviceAccounts), entity.selector ?? ''].filter(
    (part) => part !== '',
  );
  let text = positives.length === 2 ? `(${positives.join(') && (')})` : (positives[0] ?? '');

  const usesSelectors = text !== '' || (entity.notSelector ?? '') !== '' || namespaceSelector !== '';
  if (nsText && usesSelectors) text = text ? `(${nsText}) && (${text})` : nsText;
  return text;
}
