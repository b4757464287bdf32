import type { RuleDefinition } from '../../../diag/index.js';

export const hostNetworkPod: RuleDefinition<'hostNetwork'> = {
  id: 'host-network-pod',
  severity: 'info',
  description: 'A hostNetwork pod is not a workload endpoint: host endpoint policy governs its traffic.',
  messages: {
    hostNetwork: 'Pod {name} uses the host network: it is not a workload endpoint and pod policy does not apply to it',
  },
};
