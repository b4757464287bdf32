import type { ContainerPort, PodResource } from '../resources.js';
import type { Checker } from './context.js';
import { checkSubdomainName, escapePointer, portNameProblems } from './names.js';
import { parseCidrOrIp, parseIp } from './net.js';
import { quoteList } from './rules.js';

/*
 * The parts of a Pod calpol reads (Kubernetes' ValidatePod / ValidatePodStatusUpdate for
 * them, and the Calico CNI annotations its conversion falls back to): every value a later
 * stage parses is checked here, so a Pod that reaches normalization has well-formed
 * addresses, ports and protocols.
 */

const CONTAINER_PORT_PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
/** Written by the Calico CNI plugin; read only when status holds no address. */
const ANNOTATION_POD_IPS = 'cni.projectcalico.org/podIPs';
const ANNOTATION_POD_IP = 'cni.projectcalico.org/podIP';

export function checkPod(pod: PodResource, checker: Checker): void {
  const spec = pod.spec;
  if (spec.nodeName) checkSubdomainName(spec.nodeName, '/spec/nodeName', 'NodeName', checker);
  if (spec.serviceAccountName) checkSubdomainName(spec.serviceAccountName, '/spec/serviceAccountName', 'ServiceAccountName', checker);
  if (spec.serviceAccount) checkSubdomainName(spec.serviceAccount, '/spec/serviceAccount', 'ServiceAccount', checker);
  for (const list of ['containers', 'initContainers'] as const) {
    (spec[list] ?? []).forEach((container, i) => {
      (container.ports ?? []).forEach((port, j) => checkContainerPort(port, `/spec/${list}/${i}/ports/${j}`, checker));
    });
  }
  checkPodAddresses(pod, checker);
}

function checkContainerPort(port: ContainerPort, pointer: string, checker: Checker): void {
  if (port.name !== undefined) {
    const [reason] = portNameProblems(port.name);
    if (reason) checker.invalid('portName', `${pointer}/name`, { field: 'name', value: port.name, reason });
  }
  if (!validPort(port.containerPort)) checker.invalid('portNumber', `${pointer}/containerPort`, { field: 'containerPort', value: port.containerPort });
  // hostPort 0 means "none" in the Pod API.
  if (port.hostPort !== undefined && port.hostPort !== 0 && !validPort(port.hostPort)) {
    checker.invalid('portNumber', `${pointer}/hostPort`, { field: 'hostPort', value: port.hostPort });
  }
  const protocol = port.protocol as string | undefined;
  if (protocol !== undefined && !CONTAINER_PORT_PROTOCOLS.includes(protocol)) {
    checker.invalid('enumValue', `${pointer}/protocol`, { value: protocol, allowed: quoteList(CONTAINER_PORT_PROTOCOLS) });
  }
  if (port.hostIP !== undefined && port.hostIP !== '' && !parseIp(port.hostIP)) {
    checker.invalid('invalidIp', `${pointer}/hostIP`, { field: 'hostIP', value: port.hostIP });
  }
}

function validPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** Where a Pod's addresses are read from, and their texts as given. */
export interface PodAddressSource {
  /** JSON pointer of each text (several texts may share one annotation). */
  pointers: string[];
  texts: string[];
  field: string;
  /** The CNI annotations may carry a prefix length (`10.0.0.5/32`); status holds bare addresses. */
  prefixAllowed: boolean;
}

/**
 * The conversion's order of preference: status.podIPs, status.podIP, then the CNI
 * annotations. Undefined when none gives an address.
 */
export function podAddressSource(pod: PodResource): PodAddressSource | undefined {
  const status = pod.status ?? {};
  if (status.podIPs && status.podIPs.length > 0) {
    const texts = status.podIPs.map((entry) => entry.ip);
    return { pointers: texts.map((_, i) => `/status/podIPs/${i}/ip`), texts, field: 'status.podIPs', prefixAllowed: false };
  }
  if (status.podIP) return { pointers: ['/status/podIP'], texts: [status.podIP], field: 'status.podIP', prefixAllowed: false };
  const annotations = pod.metadata.annotations ?? {};
  const name = annotations[ANNOTATION_POD_IPS] ? ANNOTATION_POD_IPS : annotations[ANNOTATION_POD_IP] ? ANNOTATION_POD_IP : undefined;
  if (name === undefined) return undefined;
  const texts = (annotations[name] as string).split(',').map((text) => text.trim()).filter((text) => text !== '');
  const pointer = `/metadata/annotations/${escapePointer(name)}`;
  return { pointers: texts.map(() => pointer), texts, field: `annotation ${name}`, prefixAllowed: true };
}

function checkPodAddresses(pod: PodResource, checker: Checker): void {
  const source = podAddressSource(pod);
  if (!source) return;
  source.texts.forEach((text, i) => {
    const pointer = source.pointers[i] as string;
    if (source.prefixAllowed ? !parseCidrOrIp(text) : !parseIp(text)) {
      checker.invalid(source.prefixAllowed ? 'invalidCidr' : 'invalidIp', pointer, { field: source.field, value: text });
    }
  });
}
