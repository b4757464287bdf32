import type { EntityRule, HttpMatch, IcmpFields, PortValue, Rule } from '../resources.js';
import { unsupportedField } from '../rules/index.js';
import { show, type Checker } from './context.js';
import { checkAnnotations } from './names.js';
import { isMasked, maskedText, parseCidr, parseCidrOrIp } from './net.js';
import { checkPortList, checkProtocol, isIcmp, isIcmpv6, protocolSupportsPorts, type Port } from './ports.js';
import { checkSelector } from './selectors.js';

/* Rule, EntityRule, ICMPFields and HTTPMatch: validator.go validateRule/validateEntityRule and the CEL rules of policy_common.go. */

const ACTIONS = ['Allow', 'Deny', 'Log', 'Pass'];

/** Where a rule sits, for the checks that depend on it. */
export interface RuleContext {
  /** Undefined for a rule validated on its own. */
  direction?: 'ingress' | 'egress';
  /** The policy kind holding the rule (`Profile` for a profile). */
  owner?: string;
}

export function checkRule(rule: Rule, pointer: string, checker: Checker, context: RuleContext = {}): void {
  if (rule.action !== undefined && !ACTIONS.includes(rule.action)) {
    checker.invalid('enumValue', `${pointer}/action`, { value: rule.action, allowed: quoteList(ACTIONS) });
  }
  if (rule.ipVersion !== undefined && rule.ipVersion !== 4 && rule.ipVersion !== 6) {
    checker.invalid('ipVersion', `${pointer}/ipVersion`, { value: rule.ipVersion });
  }
  if (rule.protocol !== undefined) checkProtocol(rule.protocol, `${pointer}/protocol`, checker);
  if (rule.notProtocol !== undefined) checkProtocol(rule.notProtocol, `${pointer}/notProtocol`, checker);
  if (rule.icmp) checkIcmp(rule.icmp, `${pointer}/icmp`, checker);
  if (rule.notICMP) checkIcmp(rule.notICMP, `${pointer}/notICMP`, checker);
  checkIcmpRules(rule, pointer, checker);
  if (rule.http) checkHttpRules(rule, rule.http, pointer, checker);
  const ports = [
    ...entityPorts(rule.source, `${pointer}/source`, 'Source', checker),
    ...entityPorts(rule.destination, `${pointer}/destination`, 'Destination', checker),
  ];
  checkPortsNeedProtocol(rule, ports, checker);
  checkRuleNets(rule, pointer, checker);
  if (rule.source) checkEntityRule(rule.source, `${pointer}/source`, checker);
  if (rule.destination) checkEntityRule(rule.destination, `${pointer}/destination`, checker);
  if (rule.destination?.services && (rule.destination.ports?.length || rule.destination.notPorts?.length)) {
    checker.invalid('servicesWithPorts', `${pointer}/destination/services`);
  }
  if (rule.metadata?.annotations) checkAnnotations(rule.metadata.annotations, `${pointer}/metadata/annotations`, checker);
  checkUnsupported(rule, pointer, checker, context);
}

export function quoteList(values: readonly string[]): string {
  return values.map((value) => `"${value}"`).join(', ');
}

export function checkIcmp(icmp: IcmpFields, pointer: string, checker: Checker): void {
  if (icmp.type !== undefined && (icmp.type < 0 || icmp.type > 254)) {
    checker.invalid('icmpRange', `${pointer}/type`, { field: 'Type', value: icmp.type, max: 254 });
  }
  if (icmp.code !== undefined && (icmp.code < 0 || icmp.code > 255)) {
    checker.invalid('icmpRange', `${pointer}/code`, { field: 'Code', value: icmp.code, max: 255 });
  }
  if (icmp.code !== undefined && icmp.type === undefined) checker.invalid('icmpCodeWithoutType', `${pointer}/code`);
}

function checkIcmpRules(rule: Rule, pointer: string, checker: Checker): void {
  if (rule.icmp && !isIcmp(rule.protocol) && !isIcmpv6(rule.protocol)) checker.invalid('icmpNeedsProtocol', `${pointer}/icmp`);
  for (const field of ['protocol', 'notProtocol'] as const) {
    const protocol = rule[field];
    if (rule.ipVersion === undefined) continue;
    if (isIcmp(protocol) && rule.ipVersion !== 4) checker.invalid('icmpRequiresV4', `${pointer}/ipVersion`);
    if (isIcmpv6(protocol) && rule.ipVersion !== 6) checker.invalid('icmpv6RequiresV6', `${pointer}/ipVersion`);
  }
}

function checkHttpRules(rule: Rule, http: HttpMatch, pointer: string, checker: Checker): void {
  if (rule.protocol !== undefined && rule.protocol !== 'TCP' && rule.protocol !== 6) checker.invalid('httpProtocol', `${pointer}/protocol`);
  if (rule.action !== undefined && rule.action !== 'Allow') checker.invalid('httpAllowOnly', `${pointer}/http`);
  checkHttpMatch(http, `${pointer}/http`, checker);
}

export function checkHttpMatch(http: HttpMatch, pointer: string, checker: Checker): void {
  const methods = http.methods ?? [];
  if (methods.length > 20) checker.invalid('tooMany', `${pointer}/methods`, { count: methods.length, max: 20 });
  if (new Set(methods).size !== methods.length) checker.invalid('httpMethodsDuplicate', `${pointer}/methods`, { value: show(methods) });
  const paths = http.paths ?? [];
  if (paths.length > 20) checker.invalid('tooMany', `${pointer}/paths`, { count: paths.length, max: 20 });
  // Upstream stops at the first bad path.
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i] ?? {};
    const at = `${pointer}/paths/${i}`;
    const value = show(paths);
    if (path.exact && path.prefix) return checker.invalid('httpPathBoth', at, { value });
    const text = path.exact || path.prefix;
    if (!text) return checker.invalid('httpPathNeither', at, { value });
    if (!text.startsWith('/') || /[? #]/.test(text)) return checker.invalid('httpPathChars', at, { value, path: text });
  }
}

interface LocatedPort {
  port: Port;
  pointer: string;
  /** Upstream's field name (`Destination.Ports`) and the whole list, for the message. */
  field: string;
  list: readonly PortValue[];
}

function entityPorts(entity: EntityRule | undefined, pointer: string, side: string, checker: Checker): LocatedPort[] {
  if (!entity) return [];
  const located: LocatedPort[] = [];
  for (const field of ['ports', 'notPorts'] as const) {
    const list = entity[field];
    if (list && list.length > 50) checker.invalid('tooMany', `${pointer}/${field}`, { count: list.length, max: 50 });
    const name = `${side}.${field === 'ports' ? 'Ports' : 'NotPorts'}`;
    for (const item of checkPortList(list, `${pointer}/${field}`, checker)) located.push({ ...item, field: name, list: list ?? [] });
  }
  return located;
}

/**
 * Without a protocol only named ports may be given (they match under any protocol); with a
 * protocol that has no ports, no ports at all. One finding per offending list.
 */
function checkPortsNeedProtocol(rule: Rule, ports: readonly LocatedPort[], checker: Checker): void {
  const reported = new Set<string>();
  for (const { port, pointer, field, list } of ports) {
    if (reported.has(field)) continue;
    if (rule.protocol === undefined && port.kind === 'range') {
      checker.invalid('portsNeedProtocol', pointer, { field, value: show(list) });
      reported.add(field);
    } else if (rule.protocol !== undefined && !protocolSupportsPorts(rule.protocol)) {
      checker.invalid('portsProtocolWithoutPorts', pointer, { field, value: show(list) });
      reported.add(field);
    }
  }
}

/**
 * Rule nets (validateRule scanNets): each must parse as a CIDR (a bare address does not,
 * upstream uses net.ParseCIDR here), be strictly masked, fit the rule's ipVersion, and all of
 * the rule's nets must be of one family. A catch-all in a negation matches nothing.
 */
function checkRuleNets(rule: Rule, pointer: string, checker: Checker): void {
  let seen4 = false;
  let seen6 = false;
  const lists = [
    ['source', 'nets', 'Source.Nets'],
    ['source', 'notNets', 'Source.NotNets'],
    ['destination', 'nets', 'Destination.Nets'],
    ['destination', 'notNets', 'Destination.NotNets'],
  ] as const;
  for (const [side, field, name] of lists) {
    const nets = rule[side]?.[field] ?? [];
    const at = `${pointer}/${side}/${field}`;
    if (nets.length > 256) checker.invalid('tooMany', at, { count: nets.length, max: 256 });
    let v4 = false;
    let v6 = false;
    nets.forEach((net, i) => {
      const cidr = checkNet(net, `${at}/${i}`, name, checker);
      if (!cidr) return;
      v4 ||= cidr.version === 4;
      v6 ||= cidr.version === 6;
      if (field === 'notNets' && cidr.prefix === 0) checker.invalid('catchAllNegation', `${at}/${i}`, { field: name, value: net });
    });
    if (rule.ipVersion !== undefined && ((v4 && rule.ipVersion !== 4) || (v6 && rule.ipVersion !== 6))) {
      checker.invalid('ipVersionMismatch', at, { field: name, value: show(nets) });
    }
    if ((v4 && seen6) || (v6 && seen4) || (v4 && v6)) checker.invalid('mixedFamilies', at, { field: name, value: show(nets) });
    seen4 ||= v4;
    seen6 ||= v6;
  }
}

function checkNet(net: string, pointer: string, field: string, checker: Checker): ReturnType<typeof parseCidr> {
  const cidr = parseCidr(net);
  if (!cidr) {
    const bare = parseCidrOrIp(net);
    const help = bare ? `write a single address as a CIDR: ${net}/${bare.prefix}` : undefined;
    checker.invalid('invalidCidr', pointer, { field, value: net }, help ? { help } : {});
    return undefined;
  }
  if (!isMasked(cidr)) checker.invalid('cidrNotMasked', pointer, { field, value: net }, { help: `did you mean ${maskedText(cidr)}?` });
  return cidr;
}

export function checkEntityRule(entity: EntityRule, pointer: string, checker: Checker): void {
  if (entity.selector !== undefined) checkSelector(entity.selector, `${pointer}/selector`, 'noGlobal', checker);
  if (entity.notSelector !== undefined) checkSelector(entity.notSelector, `${pointer}/notSelector`, 'plain', checker);
  if (entity.namespaceSelector !== undefined) {
    checkSelector(entity.namespaceSelector, `${pointer}/namespaceSelector`, 'entityNamespaceSelector', checker);
  }
  if (entity.serviceAccounts?.selector !== undefined) {
    checkSelector(entity.serviceAccounts.selector, `${pointer}/serviceAccounts/selector`, 'plain', checker);
  }
  const services = entity.services;
  if (!services) return;
  const at = `${pointer}/services`;
  if (!services.name) checker.invalid('servicesName', at);
  if (entity.namespaceSelector) checker.invalid('servicesWithNamespaceSelector', at);
  if (entity.serviceAccounts) checker.invalid('servicesWithServiceAccounts', at);
  if (entity.selector || entity.notSelector) checker.invalid('servicesWithSelectors', at);
  if (entity.nets?.length || entity.notNets?.length) checker.invalid('servicesWithNets', at);
}

/** An EntityRule on its own (conformance vectors): its nets are checked as the `net` tag does. */
export function checkStandaloneEntityRule(entity: EntityRule, pointer: string, checker: Checker): void {
  for (const field of ['nets', 'notNets'] as const) {
    (entity[field] ?? []).forEach((net, i) => {
      const cidr = parseCidrOrIp(net);
      if (!cidr) checker.invalid('invalidCidr', `${pointer}/${field}/${i}`, { field, value: net });
      else if (!isMasked(cidr)) checker.invalid('cidrNotMasked', `${pointer}/${field}/${i}`, { field, value: net });
    });
  }
  entityPorts(entity, pointer, 'EntityRule', checker);
  checkEntityRule(entity, pointer, checker);
}

/** Fields calpol cannot enforce: errors, or with allowUnsupported warnings saying what is skipped. */
function checkUnsupported(rule: Rule, pointer: string, checker: Checker, context: RuleContext): void {
  if (context.direction === undefined) return; // a rule on its own: nothing is being enforced
  const action = rule.action ?? 'rule';
  const report = (field: 'http' | 'services' | 'domains', at: string) => {
    if (checker.options.allowUnsupported !== true) return checker.at(unsupportedField, field, checker.keySpan(at), { action });
    // What the later stages do instead (normalizeRule, lowerRule): never widen what is allowed.
    const skipped = action === 'Deny' || action === 'Pass' ? 'deniesWithout' : 'neverMatches';
    checker.at(unsupportedField, skipped, checker.keySpan(at), { action, field }, { severity: 'warning' });
  };
  if (rule.http) report('http', `${pointer}/http`);
  for (const side of ['source', 'destination'] as const) {
    if (rule[side]?.services) report('services', `${pointer}/${side}/services`);
    if (rule[side]?.domains) report('domains', `${pointer}/${side}/domains`);
  }
}
