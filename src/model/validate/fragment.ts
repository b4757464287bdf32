import { report, type Diagnostic } from '../../diag/index.js';
import { loadText, parseYamlFile, CALICO_API_VERSIONS, routeKind } from '../load/index.js';
import type {
  EndpointPort,
  EntityRule,
  HostEndpointSpec,
  HttpMatch,
  IcmpFields,
  NetworkSetSpec,
  ProfileSpec,
  ProtocolValue,
  Rule,
  WorkloadEndpointSpec,
} from '../resources.js';
import { unknownKind } from '../rules/index.js';
import {
  decodeValue,
  FRAGMENT_TYPES,
  isFragmentKind,
  lazySpans,
  newPositions,
  nodeSpan,
  type DecodeContext,
  type FragmentKind,
} from '../schema/index.js';
import { Checker, type ValidateOptions } from './context.js';
import { checkHostEndpointSpec, checkNetworkSetSpec, checkWorkloadEndpointPort, checkWorkloadEndpointSpec } from './endpoints.js';
import { checkProfileSpec } from './policies.js';
import { checkProtocol } from './ports.js';
import { checkHttpMatch, checkIcmp, checkRule, checkStandaloneEntityRule } from './rules.js';
import { validateResources } from './validate.js';

const FRAGMENT_FILE = '<fragment>';

/**
 * Validates a value the way upstream's validator tests do: either a bare API sub-structure
 * (`kind` Rule, EntityRule, ICMPFields, Protocol, ProtoPort, WorkloadEndpointPort, HTTPMatch,
 * WorkloadEndpointSpec, HostEndpointSpec, ProfileSpec, NetworkSetSpec, GlobalNetworkSetSpec)
 * or a whole Calico resource (`kind` GlobalNetworkPolicy, Tier, ..., value `{metadata, spec}`).
 * The value goes through the same decoding and validation as a file does.
 */
export function validateFragment(kind: string, value: unknown, options: ValidateOptions = {}): Diagnostic[] {
  if (isFragmentKind(kind)) return validateSubStructure(kind, value, options);
  const apiVersion = CALICO_API_VERSIONS[0];
  if (!routeKind(apiVersion, kind)) {
    return [report(unknownKind, 'unknownKind', undefined, { kind, apiVersion })];
  }
  const document = { apiVersion, kind, ...(value as Record<string, unknown>) };
  const loaded = { resources: [], diagnostics: [] as Diagnostic[] };
  loadText(FRAGMENT_FILE, JSON.stringify(document, null, 2), loaded);
  return [...loaded.diagnostics, ...validateResources(loaded.resources, options).diagnostics];
}

function validateSubStructure(kind: FragmentKind, value: unknown, options: ValidateOptions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const text = JSON.stringify(value ?? null, null, 2);
  const parsed = parseYamlFile(FRAGMENT_FILE, text, diagnostics);
  const root = parsed.documents[0];
  if (!root) return diagnostics;
  const ctx: DecodeContext = { file: FRAGMENT_FILE, text, lines: parsed.lines, diagnostics };
  const positions = newPositions();
  positions.spans.record('', root.start, root.end - root.start);
  const decoded = decodeValue(root, FRAGMENT_TYPES[kind], '', ctx, positions);
  if (decoded === undefined) return diagnostics;
  const spans = lazySpans(FRAGMENT_FILE, parsed.lines, positions.spans);
  const checker = new Checker(spans, positions.textMaps, nodeSpan(ctx, root), options, diagnostics);
  checkSubStructure(kind, decoded, checker);
  return diagnostics;
}

function checkSubStructure(kind: FragmentKind, value: unknown, checker: Checker): void {
  switch (kind) {
    case 'Rule':
      return checkRule(value as Rule, '', checker);
    case 'EntityRule':
      return checkStandaloneEntityRule(value as EntityRule, '', checker);
    case 'ICMPFields':
      return checkIcmp(value as IcmpFields, '', checker);
    case 'Protocol':
      return void checkProtocol(value as ProtocolValue, '', checker);
    case 'ProtoPort':
      return checkProtoPort(value as { protocol?: string; port?: number }, checker);
    case 'WorkloadEndpointPort':
      return checkWorkloadEndpointPort(value as EndpointPort, '', checker);
    case 'HTTPMatch':
      return checkHttpMatch(value as HttpMatch, '', checker);
    case 'WorkloadEndpointSpec':
      return checkWorkloadEndpointSpec(value as WorkloadEndpointSpec, '', checker);
    case 'HostEndpointSpec':
      return checkHostEndpointSpec(value as HostEndpointSpec, '', checker);
    case 'ProfileSpec':
      return checkProfileSpec(value as ProfileSpec, '', checker);
    case 'NetworkSetSpec':
    case 'GlobalNetworkSetSpec':
      return checkNetworkSetSpec(value as NetworkSetSpec, '', checker);
  }
}

/** FelixConfiguration's failsafe ProtoPort: exactly TCP, UDP or SCTP, and a port number. */
function checkProtoPort(value: { protocol?: string; port?: number }, checker: Checker): void {
  const protocol = value.protocol ?? '';
  if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') checker.invalid('protoPortProtocol', '/protocol', { value: protocol });
  if (value.port !== undefined && (value.port < 0 || value.port > 65535)) checker.invalid('portNumber', '/port', { field: 'Port', value: value.port });
}
