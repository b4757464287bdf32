import type { RuleDefinition } from '../../../diag/index.js';

export const namespaceNotDefined: RuleDefinition<'namespace'> = {
  id: 'namespace-not-defined',
  severity: 'info',
  description: 'Endpoints live in a namespace the input does not define, so its labels are unknown.',
  messages: {
    namespace:
      'Namespace {namespace} is not in the input: its endpoints get only the labels of its name (pcns.projectcalico.org/name, pcns.kubernetes.io/metadata.name), so namespaceSelectors on other labels will not match them',
  },
};
