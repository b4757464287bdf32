import type { RuleDefinition } from '../../diag/index.js';

/**
 * Diagnostics normalization can report. Everything here is about the input as a whole
 * (the inventory, references between resources), not a single field: field-level
 * problems (and duplicate resources, `duplicate-resource`) are reported by validation
 * before normalization runs.
 */

export const inventoryIncomplete: RuleDefinition<
  'endpointWithoutAddress' | 'finishedPod' | 'undefinedProfile' | 'conflictingEndpoint'
> = {
  id: 'inventory-incomplete',
  severity: 'warning',
  description:
    'An endpoint is missing something policy needs: an address, a profile it names, or its key (finished pods are reported as info).',
  messages: {
    endpointWithoutAddress:
      '{kind} {name} has no IP address: rules cannot match it by address and it is not programmed by Felix',
    finishedPod: 'Pod {name} has finished (phase {phase}): it no longer owns an IP address',
    undefinedProfile: '{kind} {name} lists profile {profile}, which is not defined',
    conflictingEndpoint: '{kind} {name} has the same endpoint key as the one at {other}, which is kept; this one is ignored',
  },
};

export const hostNetworkPod: RuleDefinition<'hostNetwork'> = {
  id: 'host-network-pod',
  severity: 'info',
  description: 'A hostNetwork pod is not a workload endpoint: host endpoint policy governs its traffic.',
  messages: {
    hostNetwork: 'Pod {name} uses the host network: it is not a workload endpoint and pod policy does not apply to it',
  },
};

export const namespaceNotDefined: RuleDefinition<'namespace'> = {
  id: 'namespace-not-defined',
  severity: 'info',
  description: 'Endpoints live in a namespace the input does not define, so its labels are unknown.',
  messages: {
    namespace:
      'Namespace {namespace} is not in the input: its endpoints get only the label pcns.projectcalico.org/name, so namespaceSelectors on other labels will not match them',
  },
};

export const undefinedTier: RuleDefinition<'undefinedTier'> = {
  id: 'undefined-tier',
  severity: 'warning',
  description: 'A policy names a tier that no Tier resource defines.',
  messages: {
    undefinedTier:
      'Tier {tier} is not defined: Felix orders it after every defined tier, and traffic its policies select but do not decide is dropped',
  },
};

export const normalizeRules: readonly RuleDefinition[] = [
  inventoryIncomplete,
  hostNetworkPod,
  namespaceNotDefined,
  undefinedTier,
];
