import type {
  K8sNetworkPolicyPeer,
  K8sNetworkPolicyPort,
  K8sNetworkPolicySpec,
  LabelSelector,
  StagedK8sNetworkPolicyResource,
} from '../resources.js';
import type { Checker } from './context.js';
import { checkLabels, portNameProblems, qualifiedNameProblems } from './names.js';
import { cidrContains, parseCidrOrIp } from './net.js';
import { quoteList } from './rules.js';

/* Kubernetes NetworkPolicy (and Calico's staged form of it): Kubernetes' own validation, in its words. */

const POLICY_TYPES = ['Ingress', 'Egress'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const STAGED_ACTIONS = ['Set', 'Delete', 'Learn', 'Ignore'];

export function checkK8sNetworkPolicySpec(spec: K8sNetworkPolicySpec, pointer: string, checker: Checker): void {
  if (spec.podSelector) checkLabelSelector(spec.podSelector, `${pointer}/podSelector`, checker);
  const types = (spec.policyTypes ?? []) as string[];
  if (types.length > 2) checker.invalid('tooMany', `${pointer}/policyTypes`, { count: types.length, max: 2 });
  types.forEach((type, i) => {
    if (!POLICY_TYPES.includes(type)) checker.invalid('enumValue', `${pointer}/policyTypes/${i}`, { value: type, allowed: quoteList(POLICY_TYPES) });
    else if (types.indexOf(type) !== i) checker.invalid('duplicateValue', `${pointer}/policyTypes/${i}`, { value: type });
  });
  (spec.ingress ?? []).forEach((rule, i) => {
    checkPeers(rule.from, `${pointer}/ingress/${i}/from`, checker);
    checkPorts(rule.ports, `${pointer}/ingress/${i}/ports`, checker);
  });
  (spec.egress ?? []).forEach((rule, i) => {
    checkPeers(rule.to, `${pointer}/egress/${i}/to`, checker);
    checkPorts(rule.ports, `${pointer}/egress/${i}/ports`, checker);
  });
}

export function checkStagedK8sNetworkPolicy(policy: StagedK8sNetworkPolicyResource, checker: Checker): void {
  const action = policy.spec.stagedAction as string | undefined;
  if (action !== undefined && action !== '' && !STAGED_ACTIONS.includes(action)) {
    checker.invalid('enumValue', '/spec/stagedAction', { value: action, allowed: quoteList(STAGED_ACTIONS) });
  }
  if (action === 'Delete') {
    const extra = Object.keys(policy.spec).find((key) => key !== 'stagedAction');
    if (extra) checker.invalid('stagedK8sDelete', `/spec/${extra}`);
    return;
  }
  checkK8sNetworkPolicySpec(policy.spec, '/spec', checker);
}

function checkLabelSelector(selector: LabelSelector, pointer: string, checker: Checker): void {
  checkLabels(selector.matchLabels, `${pointer}/matchLabels`, 'MatchLabels', checker);
  (selector.matchExpressions ?? []).forEach((expression, i) => {
    const at = `${pointer}/matchExpressions/${i}`;
    for (const reason of qualifiedNameProblems(expression.key ?? '')) {
      checker.invalid('qualifiedName', `${at}/key`, { field: 'key', value: expression.key ?? '', reason });
    }
    const operator = expression.operator as string | undefined;
    if (operator === undefined) return;
    if (!OPERATORS.includes(operator)) {
      checker.invalid('enumValue', `${at}/operator`, { value: operator, allowed: quoteList(OPERATORS) });
      return;
    }
    const values = expression.values ?? [];
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) checker.invalid('k8sSelectorValuesRequired', at);
    if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) checker.invalid('k8sSelectorValuesForbidden', `${at}/values`);
  });
}

function checkPeers(peers: readonly K8sNetworkPolicyPeer[] | undefined, pointer: string, checker: Checker): void {
  (peers ?? []).forEach((peer, i) => {
    const at = `${pointer}/${i}`;
    if (peer.ipBlock && (peer.podSelector || peer.namespaceSelector)) checker.invalid('k8sIpBlockWithSelectors', at);
    if (!peer.ipBlock && !peer.podSelector && !peer.namespaceSelector) checker.invalid('k8sEmptyPeer', at);
    if (peer.podSelector) checkLabelSelector(peer.podSelector, `${at}/podSelector`, checker);
    if (peer.namespaceSelector) checkLabelSelector(peer.namespaceSelector, `${at}/namespaceSelector`, checker);
    if (peer.ipBlock) checkIpBlock(peer.ipBlock, `${at}/ipBlock`, checker);
  });
}

function checkIpBlock(block: { cidr: string; except?: string[] }, pointer: string, checker: Checker): void {
  const cidr = block.cidr === undefined ? undefined : parseCidrOrIp(block.cidr);
  if (block.cidr !== undefined && (!cidr || cidr.bare)) {
    checker.invalid('invalidCidr', `${pointer}/cidr`, { field: 'ipBlock.cidr', value: block.cidr });
  }
  (block.except ?? []).forEach((text, i) => {
    const except = parseCidrOrIp(text);
    const at = `${pointer}/except/${i}`;
    if (!except || except.bare) checker.invalid('invalidCidr', at, { field: 'ipBlock.except', value: text });
    else if (cidr && (!cidrContains(cidr, except) || except.prefix <= cidr.prefix)) checker.invalid('k8sExceptOutsideCidr', at, { value: text });
  });
}

function checkPorts(ports: readonly K8sNetworkPolicyPort[] | undefined, pointer: string, checker: Checker): void {
  (ports ?? []).forEach((port, i) => {
    const at = `${pointer}/${i}`;
    const protocol = port.protocol as string | undefined;
    if (protocol !== undefined && !PROTOCOLS.includes(protocol)) {
      checker.invalid('enumValue', `${at}/protocol`, { value: protocol, allowed: quoteList(PROTOCOLS) });
    }
    checkK8sPortValue(port, at, checker);
  });
}

function checkK8sPortValue(port: K8sNetworkPolicyPort, pointer: string, checker: Checker): void {
  const value = port.port;
  if (typeof value === 'number' && (!Number.isInteger(value) || value < 1 || value > 65535)) {
    checker.invalid('k8sPortNumber', `${pointer}/port`, { value });
  } else if (typeof value === 'string') {
    const [reason] = portNameProblems(value);
    if (reason) checker.invalid('portName', `${pointer}/port`, { field: 'port', value, reason });
  }
  if (port.endPort === undefined) return;
  if (value === undefined) checker.invalid('k8sEndPortWithoutPort', `${pointer}/endPort`, { value: port.endPort });
  else if (typeof value === 'string') checker.invalid('k8sEndPortNamed', `${pointer}/port`, { value: JSON.stringify(value) });
  else if (port.endPort < value) checker.invalid('k8sEndPortBelowPort', `${pointer}/endPort`, { value: port.endPort });
  if (port.endPort < 1 || port.endPort > 65535) checker.invalid('k8sPortNumber', `${pointer}/endPort`, { value: port.endPort });
}
