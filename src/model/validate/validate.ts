import { unreachable, type Diagnostic } from '../../diag/index.js';
import type { Resource } from '../resources.js';
import { KIND_SCHEMAS } from '../schema/index.js';
import { Checker, type ValidateOptions } from './context.js';
import { findDuplicates } from './duplicates.js';
import { checkHostEndpointSpec, checkIPPoolSpec, checkNetworkSet, checkWorkloadEndpointSpec } from './endpoints.js';
import { checkK8sNetworkPolicySpec, checkStagedK8sNetworkPolicy } from './k8s.js';
import { checkMetadata } from './names.js';
import { checkPod } from './pods.js';
import { checkCalicoPolicy, checkProfileSpec, checkTier } from './policies.js';

export interface Validation {
  diagnostics: Diagnostic[];
  /**
   * The resources an error was found in. Kept by identity, not found again from the
   * findings' positions: a finding may sit at the very end of its resource's text (a
   * selector cut short), where a position test cannot tell whose it is.
   */
  invalid: Set<Resource>;
}

/**
 * Upstream's validation of every resource (validator.go, the CRD schemas and their CEL
 * rules, and Kubernetes' own for its kinds), plus duplicates and fields calpol cannot
 * enforce. Findings point at the offending value.
 */
export function validateResources(resources: readonly Resource[], options: ValidateOptions = {}): Validation {
  const diagnostics: Diagnostic[] = [];
  const invalid = new Set<Resource>();
  for (const resource of resources) {
    const before = diagnostics.length;
    const checker = new Checker(resource.spans, resource.textMaps ?? {}, resource.span, options, diagnostics);
    validateResource(resource, checker);
    for (let i = before; i < diagnostics.length; i++) {
      if ((diagnostics[i] as Diagnostic).severity === 'error') invalid.add(resource);
    }
  }
  const duplicates = findDuplicates(resources);
  for (const { diagnostic, resource } of duplicates) {
    diagnostics.push(diagnostic);
    if (diagnostic.severity === 'error') invalid.add(resource);
  }
  return { diagnostics, invalid };
}

function validateResource(resource: Resource, checker: Checker): void {
  checkMetadata(resource.kind, KIND_SCHEMAS[resource.kind].namespaced, resource.metadata, checker);
  switch (resource.kind) {
    case 'NetworkPolicy':
    case 'GlobalNetworkPolicy':
    case 'StagedNetworkPolicy':
    case 'StagedGlobalNetworkPolicy':
      return checkCalicoPolicy(resource, checker);
    case 'KubernetesNetworkPolicy':
      return checkK8sNetworkPolicySpec(resource.spec, '/spec', checker);
    case 'StagedKubernetesNetworkPolicy':
      return checkStagedK8sNetworkPolicy(resource, checker);
    case 'Tier':
      return checkTier(resource, checker);
    case 'Profile':
      return checkProfileSpec(resource.spec, '/spec', checker);
    case 'HostEndpoint':
      return checkHostEndpointSpec(resource.spec, '/spec', checker);
    case 'WorkloadEndpoint':
      return checkWorkloadEndpointSpec(resource.spec, '/spec', checker);
    case 'NetworkSet':
    case 'GlobalNetworkSet':
      return checkNetworkSet(resource.metadata, resource.spec, checker);
    case 'IPPool':
      return checkIPPoolSpec(resource.spec, '/spec', checker);
    case 'Pod':
      return checkPod(resource, checker);
    case 'Namespace':
    case 'ServiceAccount':
      return; // their metadata is all calpol reads of them that can be wrong
    default:
      return unreachable(resource, 'resource kind');
  }
}
