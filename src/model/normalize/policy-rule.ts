import type { Span } from '../../diag/index.js';
import type { EntityRule, IcmpFields, PortValue, ProtocolValue, Rule } from '../resources.js';
import type { EntityMatch, IcmpMatch, PolicyRule, PortMatch, ProtocolMatch } from '../types.js';
import { normalizeCidrs } from './net.js';
import { entitySelectorText, type SelectorCache } from './selectors.js';

/**
 * Calico v3 rules → the backend form Felix renders (updateprocessors `RuleAPIV3ToBackend`,
 * felix `rule_convert.go`): lowercase protocol names, parsed ports, masked nets and the
 * rewritten entity selectors.
 */

const PROTOCOL_NAMES: ReadonlyMap<string, ProtocolMatch> = new Map<string, ProtocolMatch>([
  ['TCP', 'tcp'],
  ['UDP', 'udp'],
  ['ICMP', 'icmp'],
  ['ICMPv6', 'icmpv6'],
  ['SCTP', 'sctp'],
  ['UDPLite', 'udplite'],
]);
const BACKEND_PROTOCOL_NAMES = new Set<ProtocolMatch>(PROTOCOL_NAMES.values());

/**
 * Backend protocol (numorstring `ToV1`): names are lowercased; a number, or a numeric
 * string (which the API decodes as a number), stays a number. Lowercase names are also
 * accepted, for k8s-converted and v1-style input.
 */
export function normalizeProtocol(value: ProtocolValue): ProtocolMatch {
  if (typeof value === 'number') return value;
  if (/^\d+$/.test(value)) return Number(value);
  const named = PROTOCOL_NAMES.get(value) ?? (BACKEND_PROTOCOL_NAMES.has(value as ProtocolMatch) ? (value as ProtocolMatch) : undefined);
  if (named === undefined) throw new Error(`normalize: invalid protocol ${JSON.stringify(value)} passed validation`);
  return named;
}

/** numorstring Port: 80, "80", "8000:8080" or a port name. */
export function normalizePort(value: PortValue): PortMatch {
  if (typeof value === 'number') return { kind: 'range', min: value, max: value };
  const range = /^(\d+):(\d+)$/.exec(value);
  if (range) return { kind: 'range', min: Number(range[1]), max: Number(range[2]) };
  if (/^\d+$/.test(value)) return { kind: 'range', min: Number(value), max: Number(value) };
  return { kind: 'named', name: value };
}

function normalizeIcmp(fields: IcmpFields | undefined): IcmpMatch | undefined {
  if (!fields) return undefined;
  const icmp: IcmpMatch = {};
  if (fields.type !== undefined) icmp.type = fields.type;
  if (fields.code !== undefined) icmp.code = fields.code;
  return icmp;
}

/** Felix `ipVersionToProtoIPVersion`: explicit version, else inferred from the protocol name only. */
function inferIpVersion(explicit: 4 | 6 | undefined, protocol: ProtocolMatch | undefined): 4 | 6 | undefined {
  if (explicit !== undefined) return explicit;
  if (protocol === 'icmp') return 4;
  if (protocol === 'icmpv6') return 6;
  return undefined;
}

export interface RuleContext {
  cache: SelectorCache;
  /** The policy's namespace; '' for global policies and profiles. */
  namespace: string;
}

export function normalizeEntity(
  context: RuleContext,
  entity: EntityRule | undefined,
  span: Span | undefined,
): EntityMatch {
  const written = entity ?? {};
  const match: EntityMatch = {
    nets: normalizeCidrs(written.nets),
    notNets: normalizeCidrs(written.notNets),
    ports: (written.ports ?? []).map(normalizePort),
    notPorts: (written.notPorts ?? []).map(normalizePort),
  };
  const selector = context.cache.parseOptional(entitySelectorText(context.cache, written, context.namespace));
  if (selector) match.selector = selector;
  const notSelector = context.cache.parseOptional(written.notSelector);
  if (notSelector) match.notSelector = notSelector;
  if (span) match.span = span;
  return match;
}

/** Parts of a rule calpol cannot enforce; see `PolicyRule.unsupported`. */
function unsupportedParts(rule: Rule): string[] {
  const parts: string[] = [];
  if (rule.http) parts.push('http');
  if (rule.source?.services || rule.destination?.services) parts.push('services');
  if (rule.source?.domains || rule.destination?.domains) parts.push('domains');
  return parts;
}

export interface RuleSpans {
  rule: Span;
  source?: Span | undefined;
  destination?: Span | undefined;
}

export function normalizeRule(context: RuleContext, rule: Rule, index: number, spans: RuleSpans): PolicyRule {
  const protocol = rule.protocol === undefined ? undefined : normalizeProtocol(rule.protocol);
  const unsupported = unsupportedParts(rule);
  const normalized: PolicyRule = {
    index,
    // A Pass that cannot be enforced as written denies instead: dropping it would let the
    // tier's later rules allow what the cluster hands to the next tier, and passing more
    // would let the next tier allow what the tier's later rules deny. Denying what its
    // other fields match is never more open than the cluster (as Calico itself does with
    // unsupported admin-policy peers).
    action: unsupported.length > 0 && rule.action === 'Pass' ? 'Deny' : rule.action,
    source: normalizeEntity(context, rule.source, spans.source),
    destination: normalizeEntity(context, rule.destination, spans.destination),
    span: spans.rule,
  };
  const ipVersion = inferIpVersion(rule.ipVersion, protocol);
  if (ipVersion !== undefined) normalized.ipVersion = ipVersion;
  if (protocol !== undefined) normalized.protocol = protocol;
  if (rule.notProtocol !== undefined) normalized.notProtocol = normalizeProtocol(rule.notProtocol);
  const icmp = normalizeIcmp(rule.icmp);
  if (icmp) normalized.icmp = icmp;
  const notIcmp = normalizeIcmp(rule.notICMP);
  if (notIcmp) normalized.notIcmp = notIcmp;
  if (unsupported.length > 0) normalized.unsupported = unsupported;
  return normalized;
}

/**
 * Normalize a resource's rule list at JSON pointer `pointer` (`/spec/ingress`), taking
 * each rule's span from the resource's span map (falling back to `fallback`).
 */
export function normalizeRuleList(
  context: RuleContext,
  rules: readonly Rule[] | undefined,
  pointer: string,
  spanMap: Readonly<Record<string, Span>>,
  fallback: Span,
): PolicyRule[] {
  return (rules ?? []).map((rule, index) => {
    const at = `${pointer}/${index}`;
    return normalizeRule(context, rule, index, {
      rule: spanMap[at] ?? fallback,
      source: spanMap[`${at}/source`],
      destination: spanMap[`${at}/destination`],
    });
  });
}
