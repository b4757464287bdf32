import type { EndpointPort, HostEndpointSpec, IPPoolSpec, NetworkSetSpec, ObjectMeta, WorkloadEndpointSpec } from '../resources.js';
import { unsupportedField } from '../rules/index.js';
import { show, type Checker } from './context.js';
import { checkSubdomainName, portNameProblems } from './names.js';
import { cidrContains, isMasked, maskedText, parseCidrOrIp, parseIp, type ParsedCidr } from './net.js';
import { checkProtocol, protocolSupportsPorts } from './ports.js';
import { quoteList } from './rules.js';
import { checkSelector } from './selectors.js';

/* HostEndpoint, WorkloadEndpoint, (Global)NetworkSet and IPPool specs. */

const INTERFACE_REGEX = /^[a-zA-Z0-9_.-]{1,15}$/;
const CONTAINER_ID_REGEX = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

function checkInterfaceName(name: string | undefined, pointer: string, checker: Checker): void {
  if (name === '*' || (name !== undefined && INTERFACE_REGEX.test(name))) return;
  checker.invalid('interfaceName', pointer, { value: name ?? '' });
}

function checkNames(values: readonly string[] | undefined, pointer: string, field: string, checker: Checker): void {
  (values ?? []).forEach((value, i) => checkSubdomainName(value, `${pointer}/${i}`, field, checker));
}

function checkIps(values: readonly string[] | undefined, pointer: string, field: string, checker: Checker): void {
  (values ?? []).forEach((value, i) => {
    if (!parseIp(value)) checker.invalid('invalidIp', `${pointer}/${i}`, { field, value });
  });
}

/** The `net` tag (a strictly masked CIDR or an address) or, with `strict` false, the `cidr` tag. */
function checkNetwork(value: string, pointer: string, field: string, strict: boolean, checker: Checker): ParsedCidr | undefined {
  const cidr = parseCidrOrIp(value);
  if (!cidr) checker.invalid('invalidCidr', pointer, { field, value });
  else if (strict && !isMasked(cidr)) checker.invalid('cidrNotMasked', pointer, { field, value }, { help: `did you mean ${maskedText(cidr)}?` });
  return cidr;
}

export function checkHostEndpointSpec(spec: HostEndpointSpec, pointer: string, checker: Checker): void {
  if (!spec.node) checker.invalid('hostEndpointNode', spec.node === undefined ? pointer : `${pointer}/node`);
  else checkSubdomainName(spec.node, `${pointer}/node`, 'Node', checker);
  if (!spec.interfaceName && (spec.expectedIPs ?? []).length === 0) checker.invalid('hostEndpointInterface', pointer);
  if (spec.interfaceName) checkInterfaceName(spec.interfaceName, `${pointer}/interfaceName`, checker);
  checkIps(spec.expectedIPs, `${pointer}/expectedIPs`, 'ExpectedIPs', checker);
  checkNames(spec.profiles, `${pointer}/profiles`, 'Profiles', checker);
  (spec.ports ?? []).forEach((port, i) => checkEndpointPort(port, `${pointer}/ports/${i}`, 'EndpointPort', checker));
}

/** A named port of an endpoint: a valid port name, a protocol with ports, a port number. */
export function checkEndpointPort(port: EndpointPort, pointer: string, kind: 'EndpointPort' | 'WorkloadEndpointPort', checker: Checker): void {
  if (port.name !== undefined && (port.name !== '' || kind === 'EndpointPort')) {
    const [reason] = port.name === '' ? ['must not be empty'] : portNameProblems(port.name);
    if (reason) checker.invalid('portName', `${pointer}/name`, { field: `${kind}.Name`, value: port.name, reason });
  }
  if (port.protocol !== undefined && checkProtocol(port.protocol, `${pointer}/protocol`, checker) && !protocolSupportsPorts(port.protocol)) {
    checker.invalid('endpointPortProtocol', `${pointer}/protocol`, { field: `${kind}.Protocol`, value: port.protocol, kind });
  }
  if (port.port !== undefined && (port.port < 1 || port.port > 65535)) checker.invalid('portNumber', `${pointer}/port`, { field: 'Port', value: port.port });
}

export function checkWorkloadEndpointPort(port: EndpointPort, pointer: string, checker: Checker): void {
  checkEndpointPort(port, pointer, 'WorkloadEndpointPort', checker);
  if (port.hostPort !== undefined && (port.hostPort < 0 || port.hostPort > 65535)) {
    checker.invalid('portNumber', `${pointer}/hostPort`, { field: 'HostPort', value: port.hostPort });
  }
  if (port.hostIP) checkNetwork(port.hostIP, `${pointer}/hostIP`, 'HostIP', true, checker);
  if (!port.name && !port.hostPort) checker.invalid('workloadPortName', pointer);
}

export function checkWorkloadEndpointSpec(spec: WorkloadEndpointSpec, pointer: string, checker: Checker): void {
  checkInterfaceName(spec.interfaceName, spec.interfaceName === undefined ? pointer : `${pointer}/interfaceName`, checker);
  if (spec.containerID && !CONTAINER_ID_REGEX.test(spec.containerID)) {
    checker.invalid('containerId', `${pointer}/containerID`, { value: spec.containerID });
  }
  for (const field of ['orchestrator', 'workload', 'node', 'pod', 'endpoint', 'serviceAccountName'] as const) {
    const value = spec[field];
    if (value) checkSubdomainName(value, `${pointer}/${field}`, field[0]?.toUpperCase() + field.slice(1), checker);
  }
  const networks = (spec.ipNetworks ?? []).map((value, i) => {
    const cidr = checkNetwork(value, `${pointer}/ipNetworks/${i}`, 'IPNetworks', true, checker);
    if (cidr && cidr.prefix !== cidr.bytes.length * 8) checker.invalid('ipNetworkMultiple', `${pointer}/ipNetworks/${i}`, { value: show(spec.ipNetworks) });
    return cidr;
  });
  checkGateway(spec.ipv4Gateway, 4, `${pointer}/ipv4Gateway`, checker);
  checkGateway(spec.ipv6Gateway, 6, `${pointer}/ipv6Gateway`, checker);
  checkNats(spec, networks, pointer, checker);
  checkNames(spec.profiles, `${pointer}/profiles`, 'Profiles', checker);
  if (spec.mac && !isMac(spec.mac)) checker.invalid('mac', `${pointer}/mac`, { value: spec.mac });
  (spec.ports ?? []).forEach((port, i) => checkWorkloadEndpointPort(port, `${pointer}/ports/${i}`, checker));
  (spec.allowSpoofedSourcePrefixes ?? []).forEach((value, i) => {
    checkNetwork(value, `${pointer}/allowSpoofedSourcePrefixes/${i}`, 'AllowSpoofedSourcePrefixes', false, checker);
  });
}

function checkGateway(value: string | undefined, version: 4 | 6, pointer: string, checker: Checker): void {
  if (!value) return;
  const ip = parseIp(value);
  if (!ip || ip.version !== version) checker.invalid('gateway', pointer, { field: `IPv${version}Gateway`, value, version });
}

/** Each NAT's addresses parse and share a family; every internal address is one of the endpoint's networks. */
function checkNats(spec: WorkloadEndpointSpec, networks: (ParsedCidr | undefined)[], pointer: string, checker: Checker): void {
  const nats = spec.ipNATs ?? [];
  let allCovered = true;
  nats.forEach((nat, i) => {
    const at = `${pointer}/ipNATs/${i}`;
    const internal = nat.internalIP === undefined ? undefined : parseIp(nat.internalIP);
    const external = nat.externalIP === undefined ? undefined : parseIp(nat.externalIP);
    if (nat.internalIP !== undefined && !internal) checker.invalid('invalidIp', `${at}/internalIP`, { field: 'InternalIP', value: nat.internalIP });
    if (nat.externalIP !== undefined && !external) checker.invalid('invalidIp', `${at}/externalIP`, { field: 'ExternalIP', value: nat.externalIP });
    if (internal && external && internal.version !== external.version) {
      checker.invalid('natVersions', `${at}/externalIP`, { value: nat.externalIP ?? '' });
    }
    if (!internal || !networks.some((network) => network && cidrContains(network, internal))) allCovered = false;
  });
  if (nats.length > 0 && !allCovered) checker.invalid('natNotInNetworks', `${pointer}/ipNATs`);
}

/** Go's net.ParseMAC: 6, 8 or 20 bytes, as aa:bb:.., aa-bb-.. or aabb.ccdd.... */
function isMac(value: string): boolean {
  const separated = /^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(?:\1[0-9a-fA-F]{2})*$/.exec(value);
  if (separated) return [6, 8, 20].includes((value.length + 1) / 3);
  if (/^[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4})*$/.test(value)) return [6, 8, 20].includes(((value.length + 1) / 5) * 2);
  return false;
}

const RESERVED_LABEL = 'projectcalico.org/namespace';

export function checkNetworkSet(meta: ObjectMeta, spec: NetworkSetSpec, checker: Checker): void {
  if (meta.labels && Object.hasOwn(meta.labels, RESERVED_LABEL)) {
    checker.invalid('reservedLabel', `/metadata/labels/${RESERVED_LABEL.replace('/', '~1')}`);
  }
  checkNetworkSetSpec(spec, '/spec', checker, true);
}

export function checkNetworkSetSpec(spec: NetworkSetSpec, pointer: string, checker: Checker, enforced = false): void {
  (spec.nets ?? []).forEach((net, i) => checkNetwork(net, `${pointer}/nets/${i}`, 'Nets', false, checker));
  if (enforced && spec.allowedEgressDomains !== undefined) {
    const skip = checker.options.allowUnsupported === true;
    checker.at(unsupportedField, skip ? 'egressDomainsSkipped' : 'egressDomains', checker.keySpan(`${pointer}/allowedEgressDomains`), {}, skip ? { severity: 'warning' } : {});
  }
}

const ENCAP_MODES = ['Never', 'Always', 'CrossSubnet'];
const ALLOWED_USES = ['Workload', 'Tunnel', 'LoadBalancer'];

export function checkIPPoolSpec(spec: IPPoolSpec, pointer: string, checker: Checker): void {
  const cidr = spec.cidr === undefined ? undefined : parseCidrOrIp(spec.cidr);
  if (spec.cidr !== undefined && !cidr) checker.invalid('poolCidr', `${pointer}/cidr`, { value: spec.cidr });
  if (cidr) checkPoolCidr(spec, cidr, pointer, checker);
  for (const field of ['ipipMode', 'vxlanMode'] as const) {
    const mode = spec[field] as string | undefined;
    if (mode && !ENCAP_MODES.includes(mode)) checker.invalid('enumValue', `${pointer}/${field}`, { value: mode, allowed: quoteList(ENCAP_MODES) });
  }
  const ipip = encapEnabled(spec.ipipMode);
  const vxlan = encapEnabled(spec.vxlanMode);
  if (ipip && vxlan) checker.invalid('poolBothEncaps', `${pointer}/vxlanMode`);
  if (ipip && cidr?.version === 6) checker.invalid('poolIpipV6', `${pointer}/ipipMode`);
  checkAllowedUses(spec, pointer, ipip || vxlan, checker);
  if (spec.nodeSelector !== undefined) checkSelector(spec.nodeSelector, `${pointer}/nodeSelector`, 'ipPool', checker);
  if (spec.namespaceSelector !== undefined) checkSelector(spec.namespaceSelector, `${pointer}/namespaceSelector`, 'ipPool', checker);
  const assignment = spec.assignmentMode as string | undefined;
  if (assignment !== undefined && !['Automatic', 'Manual'].includes(assignment)) {
    checker.invalid('enumValue', `${pointer}/assignmentMode`, { value: assignment, allowed: quoteList(['Automatic', 'Manual']) });
  }
  if (spec.ipip !== undefined) checker.invalid('poolDeprecatedField', `${pointer}/ipip`, { field: 'ipip', replacement: 'ipipMode' }, { severity: 'warning' });
  if (spec['nat-outgoing'] !== undefined) {
    checker.invalid('poolDeprecatedField', `${pointer}/nat-outgoing`, { field: 'nat-outgoing', replacement: 'natOutgoing' }, { severity: 'warning' });
  }
}

function encapEnabled(mode: string | undefined): boolean {
  return mode === 'Always' || mode === 'CrossSubnet';
}

function checkPoolCidr(spec: IPPoolSpec, cidr: ParsedCidr, pointer: string, checker: Checker): void {
  const at = `${pointer}/cidr`;
  if (!isMasked(cidr)) checker.invalid('poolNotMasked', at, {}, { help: `did you mean ${maskedText(cidr)}?` });
  const linkLocal = cidr.version === 4 ? parseCidrOrIp('169.254.0.0/16') : parseCidrOrIp('fe80::/10');
  if (linkLocal && (cidrContains(linkLocal, cidr) || cidrContains(cidr, linkLocal))) {
    checker.invalid('poolLinkLocal', at, { version: cidr.version, range: cidr.version === 4 ? '169.254.0.0/16' : 'fe80::/10' });
  }
  const blockSize = spec.blockSize ?? 0;
  const [low, high] = cidr.version === 4 ? [20, 32] : [116, 128];
  if (blockSize !== 0 && (blockSize < low || blockSize > high)) checker.invalid('poolBlockSize', `${pointer}/blockSize`);
  const effective = blockSize !== 0 ? blockSize : cidr.version === 4 ? 26 : 122;
  if (!spec.disabled && cidr.prefix > effective) checker.invalid('poolTooSmall', at);
}

function checkAllowedUses(spec: IPPoolSpec, pointer: string, encap: boolean, checker: Checker): void {
  const uses = (spec.allowedUses ?? []) as string[];
  if (uses.length > 10) checker.invalid('tooMany', `${pointer}/allowedUses`, { count: uses.length, max: 10 });
  uses.forEach((use, i) => {
    if (!ALLOWED_USES.includes(use)) checker.invalid('enumValue', `${pointer}/allowedUses/${i}`, { value: use, allowed: quoteList(ALLOWED_USES) });
  });
  const at = `${pointer}/allowedUses`;
  if (uses.includes('LoadBalancer')) {
    if (encap) checker.invalid('poolLoadBalancerEncap', at);
    if (uses.includes('Workload') || uses.includes('Tunnel')) checker.invalid('poolLoadBalancerUses', at);
    if (spec.disableBGPExport) checker.invalid('poolLoadBalancerBgp', `${pointer}/disableBGPExport`);
    if (spec.nodeSelector !== 'all()') checker.invalid('poolLoadBalancerNodes', spec.nodeSelector === undefined ? at : `${pointer}/nodeSelector`);
  }
  if (uses.includes('Tunnel') && spec.namespaceSelector) checker.invalid('poolTunnelNamespaces', `${pointer}/namespaceSelector`);
}
