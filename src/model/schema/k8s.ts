import { any, boolean, ignored, integer, intOrString, list, object, type ObjectSchema, string, stringMap } from './types.js';

/* Field tables of the Kubernetes types calpol reads (k8s.io/api core/v1, networking/v1). */

/**
 * ObjectMeta. Server-set fields are accepted and dropped: dumps from `kubectl get -o yaml`
 * carry them, and they never change what a policy means.
 */
export const OBJECT_META: ObjectSchema = {
  name: 'ObjectMeta',
  required: ['name'],
  fields: {
    name: string,
    namespace: string,
    labels: stringMap,
    annotations: stringMap,
    generateName: string,
    uid: string,
    resourceVersion: string,
    creationTimestamp: string,
    generation: ignored,
    managedFields: ignored,
    ownerReferences: ignored,
    finalizers: ignored,
    selfLink: ignored,
    deletionTimestamp: ignored,
    deletionGracePeriodSeconds: ignored,
    clusterName: ignored,
  },
};

/** ListMeta of a `kind: List` / `*List` document: nothing in it matters. */
export const LIST_META: ObjectSchema = {
  name: 'ListMeta',
  fields: { resourceVersion: ignored, continue: ignored, selfLink: ignored, remainingItemCount: ignored },
};

export const LABEL_SELECTOR: ObjectSchema = {
  name: 'LabelSelector',
  fields: {
    matchLabels: stringMap,
    matchExpressions: list(
      object({
        name: 'LabelSelectorRequirement',
        required: ['key', 'operator'],
        fields: { key: string, operator: string, values: list(string) },
      }),
    ),
  },
};

const NETWORK_POLICY_PEER: ObjectSchema = {
  name: 'NetworkPolicyPeer',
  fields: {
    podSelector: object(LABEL_SELECTOR),
    namespaceSelector: object(LABEL_SELECTOR),
    ipBlock: object({ name: 'IPBlock', required: ['cidr'], fields: { cidr: string, except: list(string) } }),
  },
};

const NETWORK_POLICY_PORT: ObjectSchema = {
  name: 'NetworkPolicyPort',
  fields: { protocol: string, port: intOrString, endPort: integer },
};

const K8S_POLICY_FIELDS = {
  podSelector: object(LABEL_SELECTOR),
  policyTypes: list(string),
  ingress: list(
    object({
      name: 'NetworkPolicyIngressRule',
      fields: { from: list(object(NETWORK_POLICY_PEER)), ports: list(object(NETWORK_POLICY_PORT)) },
    }),
  ),
  egress: list(
    object({
      name: 'NetworkPolicyEgressRule',
      fields: { to: list(object(NETWORK_POLICY_PEER)), ports: list(object(NETWORK_POLICY_PORT)) },
    }),
  ),
};

export const K8S_NETWORK_POLICY_SPEC: ObjectSchema = { name: 'NetworkPolicySpec', fields: K8S_POLICY_FIELDS };
export const STAGED_K8S_NETWORK_POLICY_SPEC: ObjectSchema = {
  name: 'StagedKubernetesNetworkPolicySpec',
  fields: { ...K8S_POLICY_FIELDS, stagedAction: string },
};

const CONTAINER: ObjectSchema = {
  name: 'Container',
  open: true,
  fields: {
    name: string,
    ports: list(
      object({
        name: 'ContainerPort',
        required: ['containerPort'],
        fields: { name: string, containerPort: integer, protocol: string, hostPort: integer, hostIP: string },
      }),
    ),
  },
};

export const POD_SPEC: ObjectSchema = {
  name: 'PodSpec',
  open: true,
  fields: {
    nodeName: string,
    serviceAccountName: string,
    serviceAccount: string,
    hostNetwork: boolean,
    containers: list(object(CONTAINER)),
    initContainers: list(object(CONTAINER)),
  },
};

export const POD_STATUS: ObjectSchema = {
  name: 'PodStatus',
  open: true,
  fields: {
    podIP: string,
    podIPs: list(object({ name: 'PodIP', required: ['ip'], fields: { ip: string } })),
    phase: string,
  },
};

/** Namespace spec/status hold only finalizers and phase: kept as they are. */
export const NAMESPACE_SPEC: ObjectSchema = { name: 'NamespaceSpec', open: true, fields: { finalizers: any } };
