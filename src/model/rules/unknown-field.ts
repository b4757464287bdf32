import type { RuleDefinition } from '../../diag/index.js';

/** A mapping key the API does not define for that object (usually a typo). */
export const unknownField: RuleDefinition<'unknown' | 'unknownWithSuggestion'> = {
  id: 'unknown-field',
  severity: 'error',
  description: 'A field that the resource type does not define, usually a misspelt field name.',
  messages: {
    unknown: 'unknown field "{field}"',
    unknownWithSuggestion: 'unknown field "{field}" (did you mean "{suggestion}"?)',
  },
};
