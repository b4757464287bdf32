// Stage 8: the kernel check. A network-namespace lab wired like a Calico node (see
// wiring.ts for the wiring and why), real TCP/UDP/ICMP probes, and cleanup; and verify:
// the rulesets calpol emits loaded into a lab node and probed, flow by flow, against the
// reference evaluator and the in-process run of the emitted ruleset (verify.ts).
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
export { CALICO_HOST_MAC, CALICO_IPV4_GATEWAY, usesIpv6 } from './wiring.js';
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
export {
  busiestNode,
  endpointCountsByNode,
  planNode,
  planFlow,
  completeFlow,
  flowLabel,
  SKIP_REASONS,
  type SkipReason,
  type NodePlan,
  type FlowPlan,
  type LabEndpointPlan,
} from './flow-plan.js';
export { labSpecFor } from './lab-spec.js';
export { defaultFlows, DEFAULT_MAX_FLOWS, type DefaultFlows, type FlowRequest, type PortProbe } from './default-flows.js';
export { VERIFY_TARGETS, emitForTarget, loadRuleset, targetUnavailable, toolsFor, type VerifyTarget, type EmittedRuleset } from './targets.js';
export {
  prepareVerification,
  verifyTarget,
  verifyRuleset,
  VERIFY_PROBE_OPTIONS,
  type VerifyRequest,
  type VerifyOptions,
  type PreparedVerification,
  type TargetResult,
  type FlowResult,
  type FlowStatus,
  type KernelVerdict,
  type VerifySummary,
} from './verify.js';
