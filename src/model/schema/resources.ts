import type { ResourceKind } from '../resources.js';
import {
  GLOBAL_NETWORK_POLICY_SPEC,
  GLOBAL_NETWORK_SET_SPEC,
  HOST_ENDPOINT_SPEC,
  IP_POOL_SPEC,
  NETWORK_POLICY_SPEC,
  NETWORK_SET_SPEC,
  PROFILE_SPEC,
  STAGED_GLOBAL_NETWORK_POLICY_SPEC,
  STAGED_NETWORK_POLICY_SPEC,
  TIER_SPEC,
  WORKLOAD_ENDPOINT_SPEC,
} from './calico.js';
import {
  K8S_NETWORK_POLICY_SPEC,
  LIST_META,
  NAMESPACE_SPEC,
  OBJECT_META,
  POD_SPEC,
  POD_STATUS,
  STAGED_K8S_NETWORK_POLICY_SPEC,
} from './k8s.js';
import { ignored, object, type FieldType, type ObjectSchema, string } from './types.js';

/** How a resource kind is decoded: the whole document's table, and whether it lives in a namespace. */
export interface KindSchema {
  kind: ResourceKind;
  namespaced: boolean;
  document: ObjectSchema;
}

function documentSchema(
  name: string,
  spec: ObjectSchema,
  options: { specRequired?: boolean; status?: FieldType; extra?: Record<string, FieldType> } = {},
): ObjectSchema {
  return {
    name,
    required: options.specRequired ? ['metadata', 'spec'] : ['metadata'],
    fields: {
      apiVersion: string,
      kind: string,
      metadata: object(OBJECT_META),
      spec: object(spec),
      // Server-written state never changes what a policy means (Pods are the exception: their IPs).
      status: options.status ?? ignored,
      ...options.extra,
    },
  };
}

const EMPTY: ObjectSchema = { name: 'Empty', fields: {} };

function entry(kind: ResourceKind, namespaced: boolean, document: ObjectSchema): KindSchema {
  return { kind, namespaced, document };
}

export const KIND_SCHEMAS: Readonly<Record<ResourceKind, KindSchema>> = {
  GlobalNetworkPolicy: entry('GlobalNetworkPolicy', false, documentSchema('GlobalNetworkPolicy', GLOBAL_NETWORK_POLICY_SPEC)),
  NetworkPolicy: entry('NetworkPolicy', true, documentSchema('NetworkPolicy', NETWORK_POLICY_SPEC)),
  StagedGlobalNetworkPolicy: entry(
    'StagedGlobalNetworkPolicy',
    false,
    documentSchema('StagedGlobalNetworkPolicy', STAGED_GLOBAL_NETWORK_POLICY_SPEC),
  ),
  StagedNetworkPolicy: entry('StagedNetworkPolicy', true, documentSchema('StagedNetworkPolicy', STAGED_NETWORK_POLICY_SPEC)),
  StagedKubernetesNetworkPolicy: entry(
    'StagedKubernetesNetworkPolicy',
    true,
    documentSchema('StagedKubernetesNetworkPolicy', STAGED_K8S_NETWORK_POLICY_SPEC),
  ),
  KubernetesNetworkPolicy: entry('KubernetesNetworkPolicy', true, documentSchema('NetworkPolicy', K8S_NETWORK_POLICY_SPEC)),
  Tier: entry('Tier', false, documentSchema('Tier', TIER_SPEC)),
  Profile: entry('Profile', false, documentSchema('Profile', PROFILE_SPEC)),
  HostEndpoint: entry('HostEndpoint', false, documentSchema('HostEndpoint', HOST_ENDPOINT_SPEC)),
  WorkloadEndpoint: entry('WorkloadEndpoint', true, documentSchema('WorkloadEndpoint', WORKLOAD_ENDPOINT_SPEC)),
  GlobalNetworkSet: entry('GlobalNetworkSet', false, documentSchema('GlobalNetworkSet', GLOBAL_NETWORK_SET_SPEC)),
  NetworkSet: entry('NetworkSet', true, documentSchema('NetworkSet', NETWORK_SET_SPEC)),
  IPPool: entry('IPPool', false, documentSchema('IPPool', IP_POOL_SPEC, { specRequired: true })),
  Pod: entry('Pod', true, documentSchema('Pod', POD_SPEC, { status: object(POD_STATUS) })),
  Namespace: entry('Namespace', false, documentSchema('Namespace', NAMESPACE_SPEC, { status: ignored })),
  ServiceAccount: entry(
    'ServiceAccount',
    true,
    documentSchema('ServiceAccount', EMPTY, {
      extra: { secrets: ignored, imagePullSecrets: ignored, automountServiceAccountToken: ignored },
    }),
  ),
};

/** A `kind: List` (or `*List`) document: its items are decoded one by one, each as its own resource. */
export const LIST_DOCUMENT: ObjectSchema = {
  name: 'List',
  required: ['items'],
  fields: { apiVersion: string, kind: string, metadata: object(LIST_META), items: ignored },
};
