import { hashText, report, type Diagnostic } from '../../diag/index.js';
import type {
  ContainerPort,
  EndpointPort,
  HostEndpointResource,
  PodResource,
  WorkloadEndpointResource,
} from '../resources.js';
import type { Endpoint, NamedPort } from '../types.js';
import {
  DEFAULT_SERVICE_ACCOUNT,
  LABEL_NAMESPACE,
  LABEL_ORCHESTRATOR,
  LABEL_SERVICE_ACCOUNT,
  NAMESPACE_LABEL_PREFIX,
  ORCHESTRATOR_K8S,
  SERVICE_ACCOUNT_LABEL_PREFIX,
  namespaceProfileName,
  serviceAccountProfileName,
} from './constants.js';
import { namespaceOf } from '../identity.js';
import { sortedLabels, type Labels } from './labels.js';
import { normalizeCidrs } from './net.js';
import { normalizeProtocol } from './policy-rule.js';
import { podAddressSource } from '../validate/pods.js';
import { hostNetworkPod, inventoryIncomplete } from './rules.js';

/**
 * Endpoints as Felix sees them: Pods through the k8s conversion (`podToDefaultWorkloadEndpoint`)
 * and the WEP syncer (`workloadendpointprocessor`), WorkloadEndpoints through the syncer,
 * HostEndpoints as written. `labels` is filled with own labels here; the caller replaces
 * it with the effective labels once profiles are known.
 */

/** Pod phases in which the pod no longer owns its IPs (conversion `IsFinished`). */
const FINISHED_PHASES: ReadonlySet<string> = new Set(['Failed', 'Succeeded', 'Completed']);

/**
 * Host-side veth name the CNI plugin gives a pod (conversion `VethNameForWorkload`):
 * the interface prefix, then the first 11 hex digits of SHA-1(`<namespace>.<pod>`).
 */
export function vethNameForWorkload(namespace: string, pod: string, prefix = 'cali'): string {
  return prefix + hashText(`${namespace}.${pod}`, 'sha1').slice(0, 11);
}

/**
 * Why pcns./pcsa. labels are dropped: the WEP syncer removes them so an endpoint cannot
 * pretend to be in another namespace or service account.
 */
function withoutInheritedPrefixes(labels: Readonly<Labels> | undefined): Labels {
  const kept: Labels = {};
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (!key.startsWith(NAMESPACE_LABEL_PREFIX) && !key.startsWith(SERVICE_ACCOUNT_LABEL_PREFIX)) kept[key] = value;
  }
  return kept;
}

/** Pod IPs in upstream's order of preference (podAddressSource, which validation checked). */
function podAddresses(pod: PodResource): string[] {
  return normalizeCidrs(podAddressSource(pod)?.texts);
}

/** Named container ports (init containers too); protocol defaults to TCP. Unnamed ports are unused by policy. */
function podNamedPorts(pod: PodResource): NamedPort[] {
  const containers = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])];
  const ports: NamedPort[] = [];
  for (const port of containers.flatMap((c) => c.ports ?? []) as ContainerPort[]) {
    if (!port.name || !port.containerPort) continue;
    ports.push({ name: port.name, protocol: normalizeProtocol(port.protocol ?? 'TCP'), port: port.containerPort });
  }
  return ports;
}

function endpointNamedPorts(ports: readonly EndpointPort[] | undefined): NamedPort[] {
  return (ports ?? [])
    .filter((port) => port.name !== '')
    .map((port) => ({ name: port.name, protocol: normalizeProtocol(port.protocol), port: port.port }));
}

export interface PodConversion {
  endpoint?: Endpoint;
  diagnostics: Diagnostic[];
}

/**
 * A Pod → workload endpoint. hostNetwork pods are skipped (they are the host). The
 * service account defaults to `default`, as the API server's admission sets it.
 */
export function podToEndpoint(pod: PodResource, interfacePrefix: string): PodConversion {
  const namespace = namespaceOf(pod);
  const name = pod.metadata.name;
  const nameData = { name: `${namespace}/${name}`, kind: 'Pod' };
  // Looked up only for a finding: most pods have none, and positions are built on demand.
  const nameSpan = () => pod.spans['/metadata/name'] ?? pod.span;
  if (pod.spec.hostNetwork) {
    return { diagnostics: [report(hostNetworkPod, 'hostNetwork', pod.spans['/spec/hostNetwork'] ?? nameSpan(), nameData)] };
  }
  const serviceAccount = pod.spec.serviceAccountName || pod.spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT;
  const ownLabels = sortedLabels({
    ...withoutInheritedPrefixes(pod.metadata.labels),
    [LABEL_NAMESPACE]: namespace,
    [LABEL_ORCHESTRATOR]: ORCHESTRATOR_K8S,
    [LABEL_SERVICE_ACCOUNT]: serviceAccount,
  });
  const diagnostics: Diagnostic[] = [];
  let addresses = podAddresses(pod);
  const phase = pod.status?.phase;
  if (phase !== undefined && FINISHED_PHASES.has(phase)) {
    addresses = [];
    // Info, not a warning: completed Job pods are normal in a cluster dump.
    diagnostics.push(report(inventoryIncomplete, 'finishedPod', nameSpan(), { ...nameData, phase }, { severity: 'info' }));
  } else if (addresses.length === 0) {
    diagnostics.push(report(inventoryIncomplete, 'endpointWithoutAddress', nameSpan(), nameData));
  }
  const endpoint: Endpoint = {
    key: `workload/${namespace}/${name}`,
    kind: 'workload',
    name,
    namespace,
    interfaceName: vethNameForWorkload(namespace, name, interfacePrefix),
    addresses,
    labels: ownLabels,
    ownLabels,
    profiles: [namespaceProfileName(namespace), serviceAccountProfileName(namespace, serviceAccount)],
    namedPorts: podNamedPorts(pod),
    source: 'Pod',
    span: pod.span,
  };
  if (pod.spec.nodeName) endpoint.node = pod.spec.nodeName;
  return { endpoint, diagnostics };
}

/**
 * A WorkloadEndpoint resource. The namespace and orchestrator labels are the ones the
 * Calico client stores (`updateLabelsForStorage`); the service-account label is the one
 * the syncer adds from spec.serviceAccountName.
 */
export function workloadEndpointToEndpoint(wep: WorkloadEndpointResource): PodConversion {
  const namespace = namespaceOf(wep);
  const spec = wep.spec;
  const own: Labels = { ...withoutInheritedPrefixes(wep.metadata.labels), [LABEL_NAMESPACE]: namespace };
  if (spec.orchestrator) own[LABEL_ORCHESTRATOR] = spec.orchestrator;
  if (spec.serviceAccountName) own[LABEL_SERVICE_ACCOUNT] = spec.serviceAccountName;
  const ownLabels = sortedLabels(own);
  const endpoint: Endpoint = {
    key: `workload/${namespace}/${wep.metadata.name}`,
    kind: 'workload',
    name: wep.metadata.name,
    ...(spec.pod ?? spec.workload ? { workload: (spec.pod ?? spec.workload) as string } : {}),
    namespace,
    addresses: normalizeCidrs(spec.ipNetworks),
    labels: ownLabels,
    ownLabels,
    profiles: [...(spec.profiles ?? [])],
    namedPorts: endpointNamedPorts(spec.ports),
    source: 'WorkloadEndpoint',
    span: wep.span,
  };
  if (spec.node) endpoint.node = spec.node;
  if (spec.interfaceName) endpoint.interfaceName = spec.interfaceName;
  const diagnostics =
    endpoint.addresses.length === 0
      ? [
          report(inventoryIncomplete, 'endpointWithoutAddress', wep.spans['/metadata/name'] ?? wep.span, {
            kind: 'WorkloadEndpoint',
            name: `${namespace}/${wep.metadata.name}`,
          }),
        ]
      : [];
  return { endpoint, diagnostics };
}

/** A HostEndpoint: labels as written, expectedIPs as /32 or /128 addresses. */
export function hostEndpointToEndpoint(hep: HostEndpointResource): Endpoint {
  const spec = hep.spec;
  const ownLabels = sortedLabels(hep.metadata.labels ?? {});
  const endpoint: Endpoint = {
    key: `host/${hep.metadata.name}`,
    kind: 'host',
    name: hep.metadata.name,
    addresses: normalizeCidrs(spec.expectedIPs),
    labels: ownLabels,
    ownLabels,
    profiles: [...(spec.profiles ?? [])],
    namedPorts: endpointNamedPorts(spec.ports),
    source: 'HostEndpoint',
    span: hep.span,
  };
  if (spec.node) endpoint.node = spec.node;
  if (spec.interfaceName) endpoint.interfaceName = spec.interfaceName;
  return endpoint;
}

/**
 * The (namespace, pod) a k8s WorkloadEndpoint stands for, so it can be dropped when the
 * Pod itself is in the input (both describe the same workload; the Pod is used).
 */
export function podIdentityOfWorkloadEndpoint(wep: WorkloadEndpointResource): string | undefined {
  return wep.spec.orchestrator === ORCHESTRATOR_K8S && wep.spec.pod ? `${namespaceOf(wep)}/${wep.spec.pod}` : undefined;
}
