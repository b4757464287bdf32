import type { IPPoolResource, NetworkSetResource } from '../resources.js';
import type { IPPool, NetworkSet } from '../types.js';
import { LABEL_NAMESPACE, namespaceProfileName } from './constants.js';
import { namespaceOf } from '../identity.js';
import { sortedLabels } from './labels.js';
import { normalizeCidr, normalizeCidrs } from './net.js';

/**
 * (Global)NetworkSets as the syncer hands them to Felix (networksetprocessor): a
 * namespaced set gets the `projectcalico.org/namespace` label and the `kns.<ns>` profile,
 * so namespace labels reach it the way they reach pods. `labels` here are the own labels;
 * the caller fills in the effective ones once profiles are known.
 */
export function normalizeNetworkSet(resource: NetworkSetResource): NetworkSet {
  const name = resource.metadata.name;
  const own = { ...(resource.metadata.labels ?? {}) };
  if (resource.kind === 'GlobalNetworkSet') {
    const labels = sortedLabels(own);
    return {
      key: `globalnetworkset/${name}`,
      kind: 'GlobalNetworkSet',
      name,
      nets: normalizeCidrs(resource.spec.nets),
      labels,
      ownLabels: labels,
      profiles: [],
      span: resource.span,
    };
  }
  const namespace = namespaceOf(resource);
  own[LABEL_NAMESPACE] = namespace;
  const labels = sortedLabels(own);
  return {
    key: `networkset/${namespace}/${name}`,
    kind: 'NetworkSet',
    name,
    namespace,
    nets: normalizeCidrs(resource.spec.nets),
    labels,
    ownLabels: labels,
    profiles: [namespaceProfileName(namespace)],
    span: resource.span,
  };
}

/** IPPool: masked CIDR; `nat_outgoing` / `nat-outgoing` are legacy spellings of `natOutgoing`. */
export function normalizeIPPool(resource: IPPoolResource): IPPool {
  return {
    name: resource.metadata.name,
    cidr: normalizeCidr(resource.spec.cidr),
    natOutgoing: resource.spec.natOutgoing ?? resource.spec.nat_outgoing ?? resource.spec['nat-outgoing'] ?? false,
    disabled: resource.spec.disabled ?? false,
    span: resource.span,
  };
}
