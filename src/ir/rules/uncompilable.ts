import type { RuleDefinition } from '../../diag/index.js';

/**
 * Endpoints calpol cannot compile a ruleset for without guessing. Guessing wrong would
 * leave an endpoint unpoliced (more open than the policy says), so compile refuses.
 */
export const uncompilable: RuleDefinition<
  'noInterface' | 'wildcardInterface' | 'badInterface' | 'workloadPrefix' | 'hostOnWorkloadPrefix' | 'sharedInterface'
> = {
  id: 'uncompilable-endpoint',
  severity: 'error',
  description: 'A local endpoint whose interface calpol cannot dispatch on, so no exact ruleset can be compiled for it.',
  messages: {
    noInterface:
      '{endpoint} has no interfaceName: calpol cannot tell which interface it is on this node (give interfaceName, or compile for another --node)',
    wildcardInterface: '{endpoint} uses interfaceName "*" (all host interfaces), which calpol does not compile yet',
    badInterface: '{endpoint} has interface name "{name}", which is not a valid Linux interface name (1-15 of A-Z a-z 0-9 _ . -)',
    workloadPrefix: '{endpoint} has interface {name}, which does not start with a workload interface prefix ({prefixes})',
    hostOnWorkloadPrefix: '{endpoint} is on interface {name}, which starts with a workload interface prefix',
    sharedInterface: '{endpoint} is on interface {name}, like {other}: one interface can belong to one endpoint only (endpoints of different nodes: compile one node with --node NAME, or every node with --all-nodes -o DIR)',
  },
};
