import type { RuleDefinition } from '../../diag/index.js';

/** The text is not well-formed YAML (or JSON), or a document is not a mapping. */
export const yamlSyntax: RuleDefinition<'syntax' | 'warning' | 'notMapping' | 'tooManyAliases' | 'unreadSkipped'> = {
  id: 'yaml-syntax',
  severity: 'error',
  description: 'The file is not well-formed YAML or JSON, or a document in it is not a mapping.',
  messages: {
    syntax: '{message}',
    warning: '{message}',
    notMapping: 'a document must be a mapping (apiVersion, kind, metadata, spec), got {actual}',
    tooManyAliases: 'too many YAML aliases in one document (more than {limit}): refusing to expand them',
    unreadSkipped: 'this {kind} cannot be read ({problem}); calpol does not read {kind} documents, so it is skipped',
  },
};
