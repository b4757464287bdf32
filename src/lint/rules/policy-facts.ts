import type { Span } from '../../diag/index.js';
import type { Model, Policy, PolicyRule, Resource, RuleAction } from '../../model/index.js';
import { canonicalString, type Selector, type SelectorNode } from '../../selector/index.js';
import type { Direction } from '../../tiers/index.js';

/**
 * Small facts about policies and rules that several semantic lint rules share. Not a
 * rule itself (nothing here is registered).
 */

export const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];

export type TerminalAction = Exclude<RuleAction, 'Log'>;

export function isTerminal(action: RuleAction): action is TerminalAction {
  return action !== 'Log';
}

export function rulesOf(policy: Pick<Policy, 'ingress' | 'egress'>, direction: Direction): PolicyRule[] {
  return direction === 'ingress' ? policy.ingress : policy.egress;
}

/**
 * Whether a rule can ever decide a packet as far as its parts go: an Allow or Pass with
 * parts calpol cannot enforce (http, services) never matches (fail closed); a Deny with
 * them matches on its other fields (eval `effectiveMatch`).
 */
export function canMatch(rule: PolicyRule): boolean {
  return !(rule.unsupported && rule.unsupported.length > 0 && rule.action !== 'Deny');
}

/** A rule with no match criteria at all: it matches every packet of its direction. */
export function isCatchAll(rule: PolicyRule): boolean {
  return (
    canMatch(rule) &&
    rule.ipVersion === undefined &&
    rule.protocol === undefined &&
    rule.notProtocol === undefined &&
    rule.icmp === undefined &&
    rule.notIcmp === undefined &&
    isEmptySide(rule.source) &&
    isEmptySide(rule.destination)
  );
}

function isEmptySide(side: PolicyRule['source']): boolean {
  return (
    side.nets.length === 0 &&
    side.notNets.length === 0 &&
    side.selector === undefined &&
    side.notSelector === undefined &&
    side.ports.length === 0 &&
    side.notPorts.length === 0
  );
}

/**
 * Policies in the same chains: doNotTrack, preDNAT and normal policies run in different
 * tables (docs/calico-semantics.md §3.5), so two policies only ever meet when these flags agree.
 * (applyOnForward only adds the forward chains; callers handle it where it matters.)
 */
export function chainClass(policy: Policy): string {
  return `${policy.doNotTrack ? 'untracked' : policy.preDNAT ? 'preDNAT' : 'normal'}`;
}

/** `GlobalNetworkPolicy allow-dns`, `NetworkPolicy shop/api`: how findings name a policy. */
export function describePolicy(policy: Policy): string {
  return `${policy.kind} ${policy.namespace === undefined ? '' : `${policy.namespace}/`}${policy.name}`;
}

export function describeOrder(policy: Policy): string {
  return policy.order === undefined ? 'unset' : String(policy.order);
}

const conjunctCache = new WeakMap<Selector, ReadonlySet<string>>();

/** The selector's top-level conjuncts (nested ANDs flattened), by canonical text; all() has none. */
export function conjuncts(selector: Selector): ReadonlySet<string> {
  const cached = conjunctCache.get(selector);
  if (cached) return cached;
  const out = new Set<string>();
  const visit = (node: SelectorNode): void => {
    if (node.kind === 'and') node.operands.forEach(visit);
    else if (node.kind !== 'all') out.add(canonicalString(node));
  };
  visit(selector.root);
  conjunctCache.set(selector, out);
  return out;
}

/**
 * Whether everything `narrow` selects, `wide` selects too, for ANY labels (no inventory
 * needed): `wide` is all(), or each of its conjuncts is a conjunct of `narrow`. Why this
 * is enough: a conjunction implies each of its parts. Undefined `wide` = no restriction.
 * Undefined `narrow` (a rule side without selector: any address) is not implied by any
 * selector, not even all(): a rule selector matches the addresses of known endpoints and
 * network sets only.
 */
export function selectorImplies(narrow: Selector | undefined, wide: Selector | undefined): boolean {
  if (!wide) return true;
  if (!narrow) return false;
  if (narrow.id === wide.id) return true;
  const wideParts = conjuncts(wide);
  if (wideParts.size === 0) return true;
  const narrowParts = conjuncts(narrow);
  for (const part of wideParts) if (!narrowParts.has(part)) return false;
  return true;
}

/**
 * Where the YAML of a policy's values is: the resource a policy came from (found by its
 * span) and its span map, so findings can point at the `selector` value rather than the
 * whole document.
 */
export class PolicySpans {
  private readonly byStart = new Map<string, Resource>();

  constructor(model: Model) {
    for (const resource of model.resources) this.byStart.set(startKey(resource.span), resource);
  }

  private spans(policy: Policy): Readonly<Record<string, Span>> {
    return this.byStart.get(startKey(policy.span))?.spans ?? {};
  }

  /** The written selector (or the field that stands for it), else the policy. */
  policySelector(policy: Policy): Span {
    const spans = this.spans(policy);
    const pointers = ['/spec/selector', '/spec/podSelector', '/spec/namespaceSelector', '/spec/serviceAccountSelector'];
    for (const pointer of pointers) if (spans[pointer]) return spans[pointer];
    return policy.span;
  }

  /**
   * One side's written selector (selector, namespaceSelector, serviceAccounts), else the
   * side mapping, else the rule. Converted k8s rules have no 1:1 pointer: use the peer.
   */
  ruleSelector(policy: Policy, direction: Direction, rule: PolicyRule, side: 'source' | 'destination'): Span {
    const match = rule[side];
    if (!policy.kind.includes('Kubernetes')) {
      const spans = this.spans(policy);
      const base = `/spec/${direction}/${rule.index}/${side}`;
      for (const field of ['selector', 'namespaceSelector', 'serviceAccounts']) {
        const span = spans[`${base}/${field}`];
        if (span) return span;
      }
    }
    return match.span ?? rule.span;
  }
}

function startKey(span: Span): string {
  return `${span.file}\u0000${span.offset}`;
}

/** Runs of policies with the same `order` (nil = +infinity), from a list already sorted by order. */
export function orderGroups(policies: readonly Policy[]): Policy[][] {
  const groups: Policy[][] = [];
  let previous: number | undefined;
  for (const policy of policies) {
    const order = policy.order ?? Infinity;
    const last = groups.at(-1);
    if (last && order === previous) last.push(policy);
    else groups.push([policy]);
    previous = order;
  }
  return groups;
}
