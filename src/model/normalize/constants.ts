/**
 * Label names and prefixes Calico's Kubernetes conversion and syncer use
 * (libcalico-go k8s/conversion/constants.go and the v3 API label constants).
 */
export const LABEL_NAMESPACE = 'projectcalico.org/namespace';
export const LABEL_ORCHESTRATOR = 'projectcalico.org/orchestrator';
export const LABEL_SERVICE_ACCOUNT = 'projectcalico.org/serviceaccount';
/** Namespace / service-account name, under the pcns. / pcsa. prefix. */
export const LABEL_NAME = 'projectcalico.org/name';

export const NAMESPACE_LABEL_PREFIX = 'pcns.';
export const SERVICE_ACCOUNT_LABEL_PREFIX = 'pcsa.';
export const NAMESPACE_PROFILE_PREFIX = 'kns.';
export const SERVICE_ACCOUNT_PROFILE_PREFIX = 'ksa.';

export const ORCHESTRATOR_K8S = 'k8s';
export const DEFAULT_TIER = 'default';
export const DEFAULT_SERVICE_ACCOUNT = 'default';
/** Order every Kubernetes NetworkPolicy gets on conversion. */
export const K8S_POLICY_ORDER = 1000;
/** Host-side veth prefix (Felix's `InterfacePrefix`, first entry). */
export const DEFAULT_INTERFACE_PREFIX = 'cali';

export function namespaceProfileName(namespace: string): string {
  return NAMESPACE_PROFILE_PREFIX + namespace;
}

export function serviceAccountProfileName(namespace: string, serviceAccount: string): string {
  return `${SERVICE_ACCOUNT_PROFILE_PREFIX}${namespace}.${serviceAccount}`;
}
