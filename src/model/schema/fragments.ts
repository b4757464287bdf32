import {
  ENTITY_RULE,
  GLOBAL_NETWORK_SET_SPEC,
  HOST_ENDPOINT_SPEC,
  HTTP_MATCH,
  ICMP_FIELDS,
  NETWORK_SET_SPEC,
  PROFILE_SPEC,
  PROTO_PORT,
  RULE,
  WORKLOAD_ENDPOINT_PORT,
  WORKLOAD_ENDPOINT_SPEC,
} from './calico.js';
import { object, protocol, type FieldType } from './types.js';

/**
 * The API sub-structures that can be decoded (and validated) on their own, as upstream's
 * validator tests do: a bare Rule, a bare Protocol value, and so on.
 */
export const FRAGMENT_TYPES = {
  Rule: object(RULE),
  EntityRule: object(ENTITY_RULE),
  ICMPFields: object(ICMP_FIELDS),
  Protocol: protocol,
  ProtoPort: object(PROTO_PORT),
  WorkloadEndpointPort: object(WORKLOAD_ENDPOINT_PORT),
  HTTPMatch: object(HTTP_MATCH),
  WorkloadEndpointSpec: object(WORKLOAD_ENDPOINT_SPEC),
  HostEndpointSpec: object(HOST_ENDPOINT_SPEC),
  ProfileSpec: object(PROFILE_SPEC),
  NetworkSetSpec: object(NETWORK_SET_SPEC),
  GlobalNetworkSetSpec: object(GLOBAL_NETWORK_SET_SPEC),
} as const satisfies Record<string, FieldType>;

export type FragmentKind = keyof typeof FRAGMENT_TYPES;

export function isFragmentKind(kind: string): kind is FragmentKind {
  return Object.hasOwn(FRAGMENT_TYPES, kind);
}
