import type { Span } from '../../diag/index.js';
import type {
  EntityRule,
  K8sNetworkPolicyPeer,
  K8sNetworkPolicyPort,
  K8sNetworkPolicySpec,
  LabelSelector,
  PortValue,
  Rule,
} from '../resources.js';
import type { PolicyDirections, PortMatch } from '../types.js';
import { LABEL_ORCHESTRATOR, ORCHESTRATOR_K8S } from './constants.js';
import { normalizeCidr } from './net.js';
import { normalizePort, type RuleSpans } from './policy-rule.js';

/**
 * Kubernetes NetworkPolicy → Calico rules, as libcalico-go's `K8sNetworkPolicyToCalico`
 * does (docs/calico-semantics.md §3.7, §1.8). The result is Calico v3 `Rule`s, which then go through the
 * same rule normalization (and namespace rewrite) as a Calico NetworkPolicy.
 */

type SelectorRole = 'pod' | 'namespace';

/**
 * `k8sSelectorToCalico`: pod selectors start with the orchestrator term; a nil selector
 * is '' (namespace) or just that term (pod); a present but empty namespace selector is
 * `all()` ("every namespace"); matchLabels sorted by key, then matchExpressions in order.
 */
export function k8sSelectorToCalico(selector: LabelSelector | undefined, role: SelectorRole): string {
  const terms = role === 'pod' ? [`${LABEL_ORCHESTRATOR} == '${ORCHESTRATOR_K8S}'`] : [];
  if (!selector) return terms.join(' && ');
  const labels = selector.matchLabels ?? {};
  const expressions = selector.matchExpressions ?? [];
  const keys = Object.keys(labels).sort();
  if (role === 'namespace' && keys.length === 0 && expressions.length === 0) return 'all()';
  for (const key of keys) terms.push(`${key} == '${labels[key]}'`);
  for (const expression of expressions) {
    const values = (expression.values ?? []).join("', '");
    switch (expression.operator) {
      case 'In':
        terms.push(`${expression.key} in { '${values}' }`);
        break;
      case 'NotIn':
        terms.push(`${expression.key} not in { '${values}' }`);
        break;
      case 'Exists':
        terms.push(`has(${expression.key})`);
        break;
      case 'DoesNotExist':
        terms.push(`! has(${expression.key})`);
        break;
    }
  }
  return terms.join(' && ');
}

/**
 * Upstream `SimplifyPorts`: named ports pass through first, numeric ports are merged into
 * the fewest ranges (sorted). Lists with at most one numeric port are returned as they are.
 */
export function simplifyPorts(ports: readonly PortMatch[]): PortMatch[] {
  const named = ports.filter((p) => p.kind === 'named');
  const ranges = ports.filter((p): p is Extract<PortMatch, { kind: 'range' }> => p.kind === 'range');
  const numericCount = ranges.reduce((sum, r) => sum + (r.max - r.min + 1), 0);
  if (ports.length <= 1 || numericCount <= 1) return [...ports];
  const sorted = [...ranges].sort((a, b) => a.min - b.min || a.max - b.max);
  const merged: { kind: 'range'; min: number; max: number }[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.min <= last.max + 1) last.max = Math.max(last.max, range.max);
    else merged.push({ kind: 'range', min: range.min, max: range.max });
  }
  return [...named, ...merged];
}

const portMatchToValue = (port: PortMatch): PortValue =>
  port.kind === 'named' ? port.name : port.min === port.max ? port.min : `${port.min}:${port.max}`;

interface ProtocolPorts {
  /** Undefined: no protocol (the k8s rule lists no ports). */
  protocol?: string;
  /** Undefined: every port of the protocol. */
  ports?: PortValue[];
}

/**
 * Group a k8s rule's ports by protocol (TCP when unset). A port entry without `port`
 * means every port of its protocol and absorbs the other entries of that protocol.
 * No ports at all means one group with no protocol. Groups are sorted by protocol name.
 */
export function groupPortsByProtocol(ports: readonly K8sNetworkPolicyPort[] | undefined): ProtocolPorts[] {
  if (!ports || ports.length === 0) return [{}];
  const byProtocol = new Map<string, PortMatch[] | 'all'>();
  for (const port of ports) {
    const protocol = port.protocol ?? 'TCP';
    if (port.port === undefined) {
      byProtocol.set(protocol, 'all');
      continue;
    }
    const text = port.endPort !== undefined ? `${port.port}:${port.endPort}` : String(port.port);
    const existing = byProtocol.get(protocol);
    if (existing === 'all') continue;
    byProtocol.set(protocol, [...(existing ?? []), normalizePort(text)]);
  }
  return [...byProtocol.keys()].sort().map((protocol) => {
    const group = byProtocol.get(protocol);
    return group === 'all' || group === undefined
      ? { protocol }
      : { protocol, ports: simplifyPorts(group).map(portMatchToValue) };
  });
}

/** Upstream `k8sPeerToCalicoFields`: an ipBlock gives nets/notNets only; otherwise selectors. */
export function peerToEntity(peer: K8sNetworkPolicyPeer | undefined): EntityRule {
  if (!peer) return {};
  if (peer.ipBlock) {
    const entity: EntityRule = { nets: [normalizeCidr(peer.ipBlock.cidr)] };
    const except = peer.ipBlock.except ?? [];
    if (except.length > 0) entity.notNets = except.map(normalizeCidr);
    return entity;
  }
  const entity: EntityRule = { selector: k8sSelectorToCalico(peer.podSelector, 'pod') };
  const namespaceSelector = k8sSelectorToCalico(peer.namespaceSelector, 'namespace');
  if (namespaceSelector) entity.namespaceSelector = namespaceSelector;
  return entity;
}

export interface ConvertedRule {
  rule: Rule;
  spans: RuleSpans;
}

type Direction = 'ingress' | 'egress';

/** One k8s rule → `protocols × peers` Allow rules (protocol-major, as upstream). */
function convertK8sRule(
  direction: Direction,
  peers: readonly K8sNetworkPolicyPeer[] | undefined,
  ports: readonly K8sNetworkPolicyPort[] | undefined,
  peerSpans: (peerIndex: number) => Span,
): ConvertedRule[] {
  const peerList: (K8sNetworkPolicyPeer | undefined)[] = peers && peers.length > 0 ? [...peers] : [undefined];
  const converted: ConvertedRule[] = [];
  for (const group of groupPortsByProtocol(ports)) {
    peerList.forEach((peer, peerIndex) => {
      const entity = peerToEntity(peer);
      const rule: Rule = { action: 'Allow' };
      if (group.protocol !== undefined) rule.protocol = group.protocol;
      const portsPart: EntityRule = group.ports ? { ports: group.ports } : {};
      const span = peerSpans(peer ? peerIndex : -1);
      if (direction === 'ingress') {
        rule.source = entity;
        rule.destination = portsPart;
        converted.push({ rule, spans: { rule: span, source: peer ? span : undefined } });
      } else {
        rule.destination = { ...entity, ...portsPart };
        converted.push({ rule, spans: { rule: span, destination: peer ? span : undefined } });
      }
    });
  }
  return converted;
}

export interface ConvertedK8sPolicy {
  /** The policy selector before the namespace rewrite. */
  selector: string;
  appliesTo: PolicyDirections;
  ingress: ConvertedRule[];
  egress: ConvertedRule[];
}

/**
 * Convert a k8s NetworkPolicy spec. `spanAt(pointer)` gives the span of a JSON pointer
 * in the resource (falling back to something enclosing it).
 */
export function convertK8sPolicy(spec: K8sNetworkPolicySpec, spanAt: (pointer: string) => Span): ConvertedK8sPolicy {
  const ingress = (spec.ingress ?? []).flatMap((rule, i) =>
    convertK8sRule('ingress', rule.from, rule.ports, (j) =>
      j < 0 ? spanAt(`/spec/ingress/${i}`) : spanAt(`/spec/ingress/${i}/from/${j}`),
    ),
  );
  const egress = (spec.egress ?? []).flatMap((rule, i) =>
    convertK8sRule('egress', rule.to, rule.ports, (j) =>
      j < 0 ? spanAt(`/spec/egress/${i}`) : spanAt(`/spec/egress/${i}/to/${j}`),
    ),
  );
  // Why Ingress when policyTypes is empty: clusters older than the field only had
  // ingress policy, so upstream applies such a policy to ingress only (egress rules ignored).
  const types = spec.policyTypes ?? [];
  const appliesTo = { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
  if (!appliesTo.ingress && !appliesTo.egress) appliesTo.ingress = true;
  return { selector: k8sSelectorToCalico(spec.podSelector, 'pod'), appliesTo, ingress, egress };
}
