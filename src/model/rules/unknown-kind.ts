import type { RuleDefinition } from '../../diag/index.js';

/**
 * A document calpol does not read. Kinds that carry no policy (Deployment, Service,
 * BGPPeer, ...) are skipped with a note, so whole `kubectl get -o yaml` dumps can be given
 * as they are. A document that looks like policy is never dropped quietly: a known kind
 * under a wrong or removed apiVersion, Calico's v1 API, a misspelt kind, and a policy kind
 * calpol does not enforce are errors (the last a warning with --allow-unsupported, which
 * says verdicts may differ from the cluster's).
 */
export const unknownKind: RuleDefinition<
  'unknownKind' | 'unknownKindWithSuggestion' | 'unknownApiVersion' | 'removedApiVersion' | 'calicoV1' | 'unenforcedPolicy' | 'unenforcedPolicySkipped'
> = {
  id: 'unknown-kind',
  severity: 'info',
  description: 'A document of a kind or apiVersion calpol does not read: skipped when it carries no policy, an error when it looks like policy.',
  messages: {
    unknownKind: 'kind "{kind}" (apiVersion {apiVersion}) carries no network policy: skipped',
    unknownKindWithSuggestion: 'kind "{kind}" is not served under apiVersion {apiVersion}: did you mean "{suggestion}"?',
    unknownApiVersion: 'apiVersion "{apiVersion}" does not serve kind {kind} (expected {expected}): the cluster would refuse this document',
    removedApiVersion: 'apiVersion "{apiVersion}" for {kind} was removed from Kubernetes (1.16): kubectl refuses it; write apiVersion {replacement}',
    calicoV1:
      'kind "{kind}" with apiVersion v1 is Calico\'s v1 API, which Calico 3 does not serve: convert the file (calicoctl convert) to projectcalico.org/v3',
    unenforcedPolicy:
      'kind {kind} ({apiVersion}) carries or feeds network policy that calpol does not enforce: its verdicts would differ from the cluster\'s (--allow-unsupported skips it with a warning)',
    unenforcedPolicySkipped:
      'kind {kind} ({apiVersion}) carries or feeds network policy that calpol does not enforce: skipped, so verdicts may differ from the cluster\'s',
  },
};
