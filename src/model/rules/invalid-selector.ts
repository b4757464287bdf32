import type { RuleDefinition } from '../../diag/index.js';

/** A selector that does not parse, or a `global()` where upstream does not allow it. */
export const invalidSelector: RuleDefinition<
  'parse' | 'globalOnlyInNamespaceSelector' | 'globalNotCombined' | 'globalInIPPool'
> = {
  id: 'invalid-selector',
  severity: 'error',
  description: 'A selector that does not parse, or a global() outside an EntityRule namespaceSelector.',
  messages: {
    parse: 'invalid selector: {error}',
    globalOnlyInNamespaceSelector: 'global() can only be used in an EntityRule namespaceSelector',
    globalNotCombined: "error with field NamespaceSelector field = '{value}' (global() cannot be combined with other selectors)",
    globalInIPPool: 'global() selector is not valid for IPPool {field}',
  },
};
