import type { RuleDefinition } from '../../diag/index.js';

/** A value of the wrong YAML/JSON type: a string where a list is expected, and so on. */
export const invalidType: RuleDefinition<'expected' | 'complexKey' | 'loneSurrogate'> = {
  id: 'invalid-type',
  severity: 'error',
  description: 'A value of the wrong type, such as a string where the API expects a list.',
  messages: {
    expected: 'expected {expected}, got {actual}',
    complexKey: 'mapping keys must be strings, got {actual}',
    loneSurrogate: 'expected a string of Unicode characters, got one holding a lone UTF-16 surrogate ({code}); Calico\'s YAML reader rejects such an escape',
  },
};
