import type { RuleDefinition } from '../../diag/index.js';

/**
 * A document whose apiVersion/kind calpol does not read. It is skipped, with a warning, so
 * that whole `kubectl get -o yaml` dumps (Deployments, Services, ...) can be given as they are.
 */
export const unknownKind: RuleDefinition<
  'unknownKind' | 'unknownKindWithSuggestion' | 'unknownApiVersion' | 'deprecatedApiVersion'
> = {
  id: 'unknown-kind',
  severity: 'warning',
  description: 'A document of a kind or apiVersion calpol does not read; it is ignored.',
  messages: {
    unknownKind: 'kind "{kind}" (apiVersion {apiVersion}) is not a policy or endpoint resource: ignored',
    unknownKindWithSuggestion:
      'kind "{kind}" (apiVersion {apiVersion}) is not a policy or endpoint resource: ignored (did you mean "{suggestion}"?)',
    unknownApiVersion: 'apiVersion "{apiVersion}" is not supported for kind {kind} (expected {expected}): ignored',
    deprecatedApiVersion:
      'apiVersion "{apiVersion}" for {kind} was removed from Kubernetes; read as {replacement}',
  },
};
