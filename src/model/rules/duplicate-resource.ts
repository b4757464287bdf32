import type { RuleDefinition } from '../../diag/index.js';

/** The same resource (kind, namespace, name) given twice: the API would keep only one. */
export const duplicateResource: RuleDefinition<'duplicate' | 'duplicateNamespaced'> = {
  id: 'duplicate-resource',
  severity: 'error',
  description: 'Two documents define the same resource (same kind, namespace and name).',
  messages: {
    duplicate: '{kind} "{name}" is defined more than once (first at {first})',
    duplicateNamespaced: '{kind} "{namespace}/{name}" is defined more than once (first at {first})',
  },
};
