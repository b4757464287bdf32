import type { RuleDefinition } from '../../diag/index.js';

/** A selector that does not parse, or a `global()` where upstream does not allow it. */
export const invalidSelector: RuleDefinition<
  'parse' | 'globalOnlyInNamespaceSelector' | 'globalNotCombined' | 'globalInIPPool' | 'whiteSpaceOnly'
> = {
  id: 'invalid-selector',
  severity: 'error',
  description: 'A selector that does not parse (alone, or where Calico combines it with others), or a global() outside an EntityRule namespaceSelector.',
  messages: {
    parse: 'invalid selector: {error}',
    globalOnlyInNamespaceSelector: 'global() can only be used in an EntityRule namespaceSelector',
    globalNotCombined: "error with field NamespaceSelector field = '{value}' (global() cannot be combined with other selectors)",
    globalInIPPool: 'global() selector is not valid for IPPool {field}',
    whiteSpaceOnly:
      "a selector of only white space: alone it parses as all(), but Calico puts a policy's selectors in parentheses when it combines them, and '( )' does not parse; leave the field out or write all()",
  },
};
