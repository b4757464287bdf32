// Stage 8: the kernel check's groundwork. A network-namespace lab wired like a Calico
// node (see wiring.ts for the wiring and why), real TCP/UDP/ICMP probes, and cleanup.
export { LabError, type LabErrorCode } from './errors.js';
export {
  createTopology,
  calicoInterfaceName,
  canonicalAddress,
  namespacesOf,
  newRunId,
  hostEndpointStandIns,
  LAB_NAMESPACE_PATTERN,
  MAX_WORKLOADS,
  POD_INTERFACE,
  type LabSpec,
  type NodeSpec,
  type WorkloadSpec,
  type ExternalHostSpec,
  type HostEndpointSpec,
  type EndpointAddresses,
  type LabTopology,
  type LabNode,
  type LabUplink,
  type LabWorkload,
  type LabExternalHost,
  type LabHostEndpoint,
} from './topology.js';
export { CALICO_HOST_MAC, CALICO_IPV4_GATEWAY } from './wiring.js';
export {
  DEFAULT_PROBE_TIMEOUT_MS,
  DEFAULT_ICMP_TIMEOUT_MS,
  DEFAULT_PROBE_CONCURRENCY,
  type ProbeRequest,
  type ProbeOptions,
  type ProbeOutcome,
  type ProbeResult,
  type ProbeProtocol,
  type ProbeFailureReason,
} from './probe.js';
export { startLab, withLab, labAvailability, type Lab, type LabAvailability } from './lab.js';
export { labDown, listNamespaces, type LabDownOptions, type LabDownReport, type TeardownReport } from './cleanup.js';
export type { CommandOptions, CommandResult } from './command.js';
