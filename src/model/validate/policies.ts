import type { CalicoPolicyResource, PolicySpec, ProfileSpec, Rule, TierResource } from '../resources.js';
import { show, type Checker } from './context.js';
import { checkLabels, checkSubdomainName } from './names.js';
import { checkRule, quoteList } from './rules.js';
import { checkSelector } from './selectors.js';

/* (Staged)(Global)NetworkPolicy, Tier and Profile: validator.go and the CEL rules on their specs. */

const POLICY_TYPES = ['Ingress', 'Egress'];
const STAGED_ACTIONS = ['Set', 'Delete', 'Learn', 'Ignore'];
const PERFORMANCE_HINTS = ['AssumeNeededOnEveryNode'];
const MAX_RULES = 1024;

export function checkCalicoPolicy(policy: CalicoPolicyResource, checker: Checker): void {
  const spec = policy.spec;
  const global = policy.kind === 'GlobalNetworkPolicy' || policy.kind === 'StagedGlobalNetworkPolicy';
  const staged = policy.kind === 'StagedNetworkPolicy' || policy.kind === 'StagedGlobalNetworkPolicy';
  if (staged && !checkStagedAction(spec, policy.kind, checker)) return;
  checkPolicySpec(spec, '/spec', global, checker);
}

/** Checks stagedAction; false when it is Delete (then nothing else may be set, and nothing else is checked). */
function checkStagedAction(spec: PolicySpec, kind: string, checker: Checker): boolean {
  const action = spec.stagedAction as string | undefined;
  if (action === undefined || action === '') return true;
  if (!STAGED_ACTIONS.includes(action)) {
    checker.invalid('enumValue', '/spec/stagedAction', { value: action, allowed: quoteList(STAGED_ACTIONS) });
    return true;
  }
  if (action !== 'Delete') return true;
  const extra = Object.entries(spec).filter(([key, value]) => key !== 'tier' && key !== 'stagedAction' && value !== '' && value !== false);
  if (extra.length > 0) checker.invalid('stagedDelete', `/spec/${extra[0]?.[0]}`, { field: `${kind}Spec` });
  return false;
}

export function checkPolicySpec(spec: PolicySpec, pointer: string, global: boolean, checker: Checker): void {
  if (spec.tier) checkSubdomainName(spec.tier, `${pointer}/tier`, 'Tier', checker);
  if (spec.selector !== undefined) checkSelector(spec.selector, `${pointer}/selector`, 'noGlobal', checker);
  if (spec.serviceAccountSelector !== undefined) {
    checkSelector(spec.serviceAccountSelector, `${pointer}/serviceAccountSelector`, 'noGlobal', checker);
  }
  if (global && spec.namespaceSelector !== undefined) {
    checkSelector(spec.namespaceSelector, `${pointer}/namespaceSelector`, 'noGlobal', checker);
  }
  checkTypes(spec.types, `${pointer}/types`, global ? 'GlobalNetworkPolicySpec' : 'NetworkPolicySpec', checker);
  checkPerformanceHints(spec.performanceHints, `${pointer}/performanceHints`, checker);
  checkRules(spec.ingress, `${pointer}/ingress`, 'ingress', checker);
  checkRules(spec.egress, `${pointer}/egress`, 'egress', checker);
  checkRulePlacement(spec, pointer, global, checker);
  if (global) checkGlobalOnlyFields(spec, pointer, checker);
}

function checkTypes(types: readonly string[] | undefined, pointer: string, specName: string, checker: Checker): void {
  if (!types) return;
  if (types.length > 2) checker.invalid('tooMany', pointer, { count: types.length, max: 2 });
  const seen = new Set<string>();
  types.forEach((type, i) => {
    if (!POLICY_TYPES.includes(type)) checker.invalid('enumValue', `${pointer}/${i}`, { value: type, allowed: quoteList(POLICY_TYPES) });
    else if (seen.has(type)) checker.invalid('typeRepeated', `${pointer}/${i}`, { field: `${specName}.Types`, value: show(types), type });
    seen.add(type);
  });
}

function checkPerformanceHints(hints: readonly string[] | undefined, pointer: string, checker: Checker): void {
  const seen = new Set<string>();
  (hints ?? []).forEach((hint, i) => {
    if (!PERFORMANCE_HINTS.includes(hint)) checker.invalid('enumValue', `${pointer}/${i}`, { value: hint, allowed: quoteList(PERFORMANCE_HINTS) });
    else if (seen.has(hint)) checker.invalid('duplicateValue', `${pointer}/${i}`, { value: hint });
    seen.add(hint);
  });
}

export function checkRules(rules: readonly Rule[] | undefined, pointer: string, direction: 'ingress' | 'egress', checker: Checker): void {
  if (!rules) return;
  if (rules.length > MAX_RULES) checker.invalid('tooMany', pointer, { count: rules.length, max: MAX_RULES });
  rules.forEach((rule, i) => checkRule(rule, `${pointer}/${i}`, checker, { direction }));
}

/**
 * Services only where they name the far end (egress destination, ingress source); HTTP only
 * on ingress; a GlobalNetworkPolicy's Service match needs a namespace.
 */
function checkRulePlacement(spec: PolicySpec, pointer: string, global: boolean, checker: Checker): void {
  (spec.egress ?? []).forEach((rule, i) => {
    const at = `${pointer}/egress/${i}`;
    if (rule.source?.services) checker.invalid('servicesInEgressSource', `${at}/source/services`);
    if (rule.http) checker.invalid('httpInEgress', `${at}/http`, { reason: global ? 'not allowed in egress rules' : 'not allowed in egress rule' });
    if (global && rule.destination?.services && !rule.destination.services.namespace) {
      checker.invalid('servicesNamespace', `${at}/destination/services`);
    }
  });
  (spec.ingress ?? []).forEach((rule, i) => {
    const at = `${pointer}/ingress/${i}`;
    if (rule.destination?.services) checker.invalid('servicesInIngressDestination', `${at}/destination/services`);
    if (global && rule.source?.services && !rule.source.services.namespace) checker.invalid('servicesNamespace', `${at}/source/services`);
  });
}

/** preDNAT / doNotTrack / applyOnForward (CEL on GlobalNetworkPolicySpec). */
function checkGlobalOnlyFields(spec: PolicySpec, pointer: string, checker: Checker): void {
  if (spec.preDNAT && spec.doNotTrack) checker.invalid('preDnatAndDoNotTrack', `${pointer}/preDNAT`);
  if (spec.preDNAT && (spec.egress?.length ?? 0) > 0) checker.invalid('preDnatEgressRules', `${pointer}/egress`);
  if (spec.preDNAT && spec.types?.includes('Egress')) checker.invalid('preDnatEgressType', `${pointer}/types`);
  if (!spec.applyOnForward && (spec.preDNAT || spec.doNotTrack)) {
    checker.invalid('applyOnForwardRequired', spec.applyOnForward === false ? `${pointer}/applyOnForward` : `${pointer}/${spec.preDNAT ? 'preDNAT' : 'doNotTrack'}`);
  }
}

/** Built-in tiers whose order and default action the API fixes. */
const BUILT_IN_TIERS: Readonly<Record<string, { order: number; action: 'Deny' | 'Pass' }>> = {
  'kube-admin': { order: 1000, action: 'Pass' },
  default: { order: 1_000_000, action: 'Deny' },
  'kube-baseline': { order: 10_000_000, action: 'Pass' },
};

export function checkTier(tier: TierResource, checker: Checker): void {
  const action = tier.spec.defaultAction as string | undefined;
  if (action !== undefined && action !== 'Deny' && action !== 'Pass') {
    checker.invalid('enumValue', '/spec/defaultAction', { value: action, allowed: quoteList(['Deny', 'Pass']) });
  }
  const builtIn = BUILT_IN_TIERS[tier.metadata.name];
  if (!builtIn) return;
  // The CRD defaults defaultAction to Deny before the CEL rules run; order has no default.
  if ((action ?? 'Deny') !== builtIn.action) {
    checker.invalid('tierDefaultAction', action === undefined ? '/spec' : '/spec/defaultAction', { tier: tier.metadata.name, action: builtIn.action });
  }
  if (tier.spec.order !== builtIn.order) {
    checker.invalid('tierOrder', tier.spec.order === undefined ? '/spec' : '/spec/order', { tier: tier.metadata.name, order: builtIn.order });
  }
}

export function checkProfileSpec(spec: ProfileSpec, pointer: string, checker: Checker): void {
  checkLabels(spec.labelsToApply, `${pointer}/labelsToApply`, 'LabelsToApply', checker);
  checkRules(spec.ingress, `${pointer}/ingress`, 'ingress', checker);
  checkRules(spec.egress, `${pointer}/egress`, 'egress', checker);
}
