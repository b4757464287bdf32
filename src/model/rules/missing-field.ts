import type { RuleDefinition } from '../../diag/index.js';

/** A field the API requires is absent (reported at the mapping that should hold it). */
export const missingField: RuleDefinition<'missing'> = {
  id: 'missing-field',
  severity: 'error',
  description: 'A field the resource type requires is missing.',
  messages: {
    missing: 'missing required field "{field}"',
  },
};
