import type { ObjectMeta, ResourceKind } from '../resources.js';
import { invalidValue } from '../rules/index.js';
import type { Checker } from './context.js';

/* Name formats of validator.go and of Kubernetes' apimachinery validation. */

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`;
export const NAME_REGEX = new RegExp(`^${SUBDOMAIN}$`);
export const TIER_NAME_REGEX = new RegExp(`^${LABEL}$`);
/** NetworkPolicy: `label`, `label.label`, or `knp.default.<subdomain>` / `ossg.default.<subdomain>`. */
const NETWORK_POLICY_NAME_REGEX = new RegExp(`^((${LABEL})(\\.${LABEL})?|((?:knp|ossg)\\.default\\.(${SUBDOMAIN})))$`);
/** GlobalNetworkPolicy: `label` or `label.label`. */
const GLOBAL_NETWORK_POLICY_NAME_REGEX = new RegExp(`^(${LABEL}\\.)?${LABEL}$`);
const QUALIFIED_NAME_REGEX = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE_REGEX = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const QUALIFIED_NAME_MESSAGE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_VALUE_MESSAGE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const utf8 = new TextEncoder();

/** Go's len(): bytes of UTF-8. */
export function byteLength(text: string): number {
  return /^[\x00-\x7f]*$/.test(text) ? text.length : utf8.encode(text).length;
}

/** Problems with a qualified name (label or annotation key), in Kubernetes' words; empty when valid. */
export function qualifiedNameProblems(value: string): string[] {
  const parts = value.split('/');
  if (parts.length > 2) {
    return [`a qualified name ${QUALIFIED_NAME_MESSAGE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const problems: string[] = [];
  const name = parts.length === 2 ? (parts[1] as string) : (parts[0] as string);
  if (parts.length === 2) {
    const prefix = parts[0] as string;
    if (prefix.length === 0) problems.push('prefix part must be non-empty');
    else problems.push(...subdomainProblems(prefix).map((problem) => `prefix part ${problem}`));
  }
  if (name.length === 0) problems.push('name part must be non-empty');
  else if (byteLength(name) > 63) problems.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME_REGEX.test(name)) problems.push(`name part ${QUALIFIED_NAME_MESSAGE}`);
  return problems;
}

export function subdomainProblems(value: string): string[] {
  const problems: string[] = [];
  if (byteLength(value) > 253) problems.push('must be no more than 253 characters');
  if (!NAME_REGEX.test(value)) problems.push(SUBDOMAIN_MESSAGE);
  return problems;
}

export function labelValueProblems(value: string): string[] {
  const problems: string[] = [];
  if (byteLength(value) > 63) problems.push('must be no more than 63 characters');
  if (!LABEL_VALUE_REGEX.test(value)) problems.push(LABEL_VALUE_MESSAGE);
  return problems;
}

/** Kubernetes' IsValidPortName (an IANA service name); empty when valid. */
export function portNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length > 15) problems.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(name)) problems.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) problems.push('must contain at least one letter (a-z)');
  if (name.includes('--')) problems.push('must not contain consecutive hyphens');
  if (name.startsWith('-') || name.endsWith('-')) problems.push('must not begin or end with a hyphen');
  return problems;
}

/** A name in validator.go's `name` format (a DNS-1123 subdomain), e.g. a node or profile name. */
export function checkSubdomainName(value: string, pointer: string, field: string, checker: Checker): void {
  if (!NAME_REGEX.test(value)) checker.invalid('nameSubdomain', pointer, { field, value });
}

type NameRule = 'networkPolicy' | 'globalNetworkPolicy' | 'tier' | 'subdomain' | 'none';

const NAME_RULES: Readonly<Record<ResourceKind, NameRule>> = {
  NetworkPolicy: 'networkPolicy',
  StagedNetworkPolicy: 'networkPolicy',
  GlobalNetworkPolicy: 'globalNetworkPolicy',
  StagedGlobalNetworkPolicy: 'globalNetworkPolicy',
  Tier: 'tier',
  // Upstream only checks the length of a StagedKubernetesNetworkPolicy's name.
  StagedKubernetesNetworkPolicy: 'none',
  KubernetesNetworkPolicy: 'subdomain',
  Profile: 'subdomain',
  HostEndpoint: 'subdomain',
  WorkloadEndpoint: 'subdomain',
  GlobalNetworkSet: 'subdomain',
  NetworkSet: 'subdomain',
  IPPool: 'subdomain',
  Pod: 'subdomain',
  Namespace: 'tier',
  ServiceAccount: 'subdomain',
};

function checkName(kind: ResourceKind, name: string, checker: Checker): void {
  const rule = NAME_RULES[kind];
  // No name at all is a missing field (reported by the loader); an explicit "" is checked.
  if (name === '' && !checker.has('/metadata/name')) return;
  const limit = rule === 'tier' ? 63 : 253;
  const pointer = '/metadata/name';
  if (byteLength(name) > limit) {
    checker.invalid('nameTooLong', pointer, { field: 'Metadata.Name', value: name, excess: byteLength(name) - limit });
  }
  const valid =
    rule === 'none' ||
    (rule === 'networkPolicy' && NETWORK_POLICY_NAME_REGEX.test(name)) ||
    (rule === 'globalNetworkPolicy' && GLOBAL_NETWORK_POLICY_NAME_REGEX.test(name)) ||
    (rule === 'tier' && TIER_NAME_REGEX.test(name)) ||
    (rule === 'subdomain' && NAME_REGEX.test(name));
  if (valid) return;
  checker.invalid(rule === 'subdomain' ? 'nameSubdomain' : 'nameLabel', pointer, { field: 'Metadata.Name', value: name });
}

/** Labels (or a Profile's labelsToApply): qualified-name keys, label values. */
export function checkLabels(labels: Readonly<Record<string, string>> | undefined, pointer: string, field: string, checker: Checker): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    const entry = `${pointer}/${escapePointer(key)}`;
    for (const reason of qualifiedNameProblems(key)) {
      checker.at(invalidValue, 'qualifiedName', checker.keySpan(entry), { field: `${field} (label)`, value: key, reason });
    }
    for (const reason of labelValueProblems(value)) checker.invalid('labelValue', entry, { field: `${field} (value)`, value, reason });
  }
}

export function checkAnnotations(annotations: Readonly<Record<string, string>> | undefined, pointer: string, checker: Checker): void {
  let total = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    const entry = `${pointer}/${escapePointer(key)}`;
    // Upstream lower-cases annotation keys before checking them.
    for (const reason of qualifiedNameProblems(key.toLowerCase())) {
      checker.at(invalidValue, 'qualifiedName', checker.keySpan(entry), { field: 'Metadata.Annotations (key)', value: key, reason });
    }
    total += byteLength(key) + byteLength(value);
  }
  const limit = 256 * 1024;
  if (total > limit) checker.invalid('annotationsTooLarge', pointer, { excess: total - limit });
}

/** metadata: the kind's name format, namespace, labels and annotations. */
export function checkMetadata(kind: ResourceKind, namespaced: boolean, meta: ObjectMeta, checker: Checker): void {
  checkName(kind, meta.name, checker);
  if (meta.namespace !== undefined) {
    if (!namespaced) {
      checker.invalid('namespaceOnGlobal', '/metadata/namespace', { kind }, { severity: 'warning' });
    } else if (byteLength(meta.namespace) > 63 || !TIER_NAME_REGEX.test(meta.namespace)) {
      checker.invalid('namespaceName', '/metadata/namespace', { value: meta.namespace });
    }
  }
  checkLabels(meta.labels, '/metadata/labels', 'Metadata.Labels', checker);
  checkAnnotations(meta.annotations, '/metadata/annotations', checker);
}

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
