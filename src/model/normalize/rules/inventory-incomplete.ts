import type { RuleDefinition } from '../../../diag/index.js';

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
