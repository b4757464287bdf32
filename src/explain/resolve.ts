import type { Diagnostic, Span } from '../diag/index.js';
import { PORT_PROTOCOLS, PROTOCOL_NUMBERS, type PathKind, type ResolvedFlow } from '../eval/index.js';
import { parsePrefix, prefixContains, type Endpoint, type Inventory, type Prefix } from '../model/index.js';
import type { FlowSpec } from './flows.js';

/** The names an endpoint answers to. */
function namesOf(endpoint: Endpoint): string[] {
  if (endpoint.kind === 'host') return [`hep:${endpoint.name}`];
  const namespace = endpoint.namespace ?? '';
  return [endpoint.name, `${namespace}/${endpoint.name}`, ...(endpoint.workload ? [`${namespace}/${endpoint.workload}`] : [])];
}

/**
 * Finds endpoints by the names users type: `namespace/pod` (or a WorkloadEndpoint name),
 * `hep:<name>` for host endpoints, or an address. Each index is built on first use; the
 * first few name lookups scan instead (one `calpol explain` asks for two names, and a scan
 * of 50k endpoints costs far less than indexing them).
 */
export class EndpointDirectory {
  private byName?: Map<string, Endpoint[]>;
  private byAddress?: Map<string, Endpoint[]>;
  private nameLookups = 0;

  constructor(readonly inventory: Inventory) {}

  byReference(reference: string): Endpoint[] {
    if (this.byName === undefined && ++this.nameLookups <= SCANNED_NAME_LOOKUPS) {
      // Only endpoints whose name (or workload) ends the reference can answer to it.
      return this.inventory.endpoints.filter(
        (endpoint) =>
          (reference.endsWith(endpoint.name) || (endpoint.workload !== undefined && reference.endsWith(endpoint.workload))) &&
          namesOf(endpoint).includes(reference),
      );
    }
    this.byName ??= index(this.inventory, namesOf);
    return this.byName.get(reference) ?? [];
  }

  byIp(address: Prefix): Endpoint[] {
    this.byAddress ??= index(this.inventory, (endpoint) =>
      endpoint.addresses.flatMap((text) => {
        const prefix = parsePrefix(text);
        return prefix ? [addressKey(prefix)] : [];
      }),
    );
    return this.byAddress.get(addressKey(address)) ?? [];
  }
}

const SCANNED_NAME_LOOKUPS = 4;

const addressKey = (prefix: Prefix) => `${prefix.version}:${prefix.value}`;

function index(inventory: Inventory, keysOf: (endpoint: Endpoint) => string[]): Map<string, Endpoint[]> {
  const map = new Map<string, Endpoint[]>();
  for (const endpoint of inventory.endpoints) {
    // An endpoint is listed once per key, even when two of its names or addresses are equal.
    for (const key of new Set(keysOf(endpoint))) {
      const list = map.get(key);
      if (list) list.push(endpoint);
      else map.set(key, [endpoint]);
    }
  }
  return map;
}

type End = { endpoint?: Endpoint; address?: Prefix; text: string };

function resolveEnd(reference: string, directory: EndpointDirectory, span: Span, errors: Diagnostic[]): End | undefined {
  const address = parsePrefix(reference);
  if (address && !reference.includes('/')) {
    const owners = directory.byIp(address);
    return owners.length === 1 ? { endpoint: owners[0] as Endpoint, address, text: reference } : { address, text: reference };
  }
  const found = directory.byReference(reference);
  if (found.length === 1) return { endpoint: found[0] as Endpoint, text: reference };
  const problem =
    found.length === 0
      ? `no endpoint "${reference}" in the inventory (use namespace/pod, hep:<name>, or an IP address)`
      : `"${reference}" names ${found.length} endpoints; use namespace/name`;
  errors.push({ code: 'invalid-flow', severity: 'error', message: problem, span });
  return undefined;
}

function addressOf(end: End, version: 4 | 6 | undefined): Prefix | undefined {
  if (end.address) return end.address;
  const prefixes = (end.endpoint?.addresses ?? []).map(parsePrefix).filter((p): p is Prefix => p !== undefined);
  return prefixes.find((p) => version === undefined || p.version === version);
}

/**
 * A host endpoint known by its interface only (no expectedIPs) has addresses calpol cannot
 * know. Its traffic is still explained, with a documentation address standing in for the
 * host's: no network set or endpoint holds it, as none holds the host's real address
 * (Calico puts only expectedIPs in sets). A rule matching the real address by its nets
 * could decide otherwise, which the note says.
 */
const STAND_IN_ADDRESS = { 4: '203.0.113.254', 6: '2001:db8::fe' } as const;

function standInFor(end: End, version: 4 | 6, notes: string[]): Prefix | undefined {
  if (end.endpoint?.kind !== 'host' || end.endpoint.addresses.length > 0) return undefined;
  const address = STAND_IN_ADDRESS[version];
  notes.push(
    `hep:${end.endpoint.name} lists no address (no expectedIPs): ${address} stands in for the host's, an address no endpoint or set holds; ` +
      'a rule that names the real one in its nets could decide otherwise',
  );
  return parsePrefix(address);
}

/**
 * Host ingress (or egress) through a host endpoint to (or from) an address that is no
 * endpoint's: the packet is the host's own when the endpoint lists no address of its own
 * (the user says the path), and forwarded through the host otherwise. Either way, say why.
 */
function hostPathEnds(path: PathKind, flow: { ends: [End, End]; addresses: [string, string] }, hostEndpoint: Endpoint | undefined, notes: string[]): void {
  if (!hostEndpoint || (path !== 'host-ingress' && path !== 'host-egress')) return;
  const side = path === 'host-ingress' ? 1 : 0;
  const end = flow.ends[side];
  if (end.endpoint) return;
  const address = flow.addresses[side];
  if (hostEndpoint.addresses.length === 0) {
    end.endpoint = hostEndpoint;
    notes.push(`${address} is taken as an address of hep:${hostEndpoint.name}, which lists none (no expectedIPs): the packet is the host's own (${path})`);
    return;
  }
  notes.push(
    `treated as forwarded through the host: ${address} is not an address of hep:${hostEndpoint.name} (${hostEndpoint.addresses.join(', ')}), ` +
      'so its forward (applyOnForward) policy applies, not its host policy',
  );
}

function protocolNumberOf(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const number = Number(text);
    return number >= 1 && number <= 255 ? number : undefined;
  }
  return PROTOCOL_NUMBERS[text.toLowerCase()];
}

function derivePath(source: End, destination: End): PathKind {
  if (source.endpoint?.kind === 'host') return 'host-egress';
  if (destination.endpoint?.kind === 'host') return 'host-ingress';
  if (source.endpoint || destination.endpoint) return 'workload';
  return 'forwarded';
}

function hostEndpointNamed(name: string | undefined, directory: EndpointDirectory, span: Span, errors: Diagnostic[]): Endpoint | undefined {
  if (name === undefined) return undefined;
  const found = directory.byReference(name.startsWith('hep:') ? name : `hep:${name}`);
  if (found.length === 1) return found[0];
  errors.push({ code: 'invalid-flow', severity: 'error', message: `no host endpoint "${name}"`, span });
  return undefined;
}

export type ResolveResult = { ok: true; flow: ResolvedFlow } | { ok: false; errors: Diagnostic[] };

/** Turns a flow as written into a packet and the endpoints it runs between. */
export function resolveFlow(spec: FlowSpec, directory: EndpointDirectory): ResolveResult {
  const errors: Diagnostic[] = [];
  const spanFor = (field: keyof FlowSpec) => spec.fieldSpans[field] ?? spec.span;
  const source = resolveEnd(spec.src, directory, spanFor('src'), errors);
  const destination = resolveEnd(spec.dst, directory, spanFor('dst'), errors);
  const protocol = protocolNumberOf(spec.protocol);
  if (protocol === undefined) {
    errors.push({ code: 'invalid-flow', severity: 'error', message: `unknown protocol "${spec.protocol}" (TCP, UDP, SCTP, ICMP, ICMPv6 or 1-255)`, span: spanFor('protocol') });
  }
  const ingressHostEndpoint = hostEndpointNamed(spec.ingressHostEndpoint, directory, spanFor('ingressHostEndpoint'), errors);
  const egressHostEndpoint = hostEndpointNamed(spec.egressHostEndpoint, directory, spanFor('egressHostEndpoint'), errors);
  if (!source || !destination || protocol === undefined || errors.length > 0) return { ok: false, errors };

  // The family comes from a literal address if there is one, else IPv4 when both ends have it.
  const literal = source.address ?? destination.address;
  let version: 4 | 6 | undefined = literal?.version ?? (protocol === 58 ? 6 : protocol === 1 ? 4 : undefined);
  if (version === undefined) version = (addressOf(source, 4) ?? standInFor(source, 4, [])) && (addressOf(destination, 4) ?? standInFor(destination, 4, [])) ? 4 : 6;
  const notes: string[] = [];
  const sourceAddress = addressOf(source, version) ?? standInFor(source, version, notes);
  const destinationAddress = addressOf(destination, version) ?? standInFor(destination, version, notes);
  for (const [end, address, field] of [[source, sourceAddress, 'src'], [destination, destinationAddress, 'dst']] as const) {
    if (!address) errors.push({ code: 'invalid-flow', severity: 'error', message: `${end.text} has no IPv${version} address`, span: spanFor(field) });
    else if (address.version !== version) errors.push({ code: 'invalid-flow', severity: 'error', message: 'src and dst are of different IP families', span: spanFor(field) });
  }
  const hasPorts = PORT_PROTOCOLS.has(protocol);
  if (hasPorts && spec.port === undefined) errors.push({ code: 'invalid-flow', severity: 'error', message: 'port is required for TCP, UDP and SCTP flows', span: spec.span });
  if (!hasPorts && (spec.port !== undefined || spec.sport !== undefined)) {
    errors.push({ code: 'invalid-flow', severity: 'error', message: 'ports only apply to TCP, UDP and SCTP', span: spanFor('port') });
  }
  if ((spec.icmpType !== undefined || spec.icmpCode !== undefined) && protocol !== 1 && protocol !== 58) {
    errors.push({ code: 'invalid-flow', severity: 'error', message: 'icmpType and icmpCode only apply to ICMP and ICMPv6', span: spanFor('icmpType') });
  }
  if (errors.length > 0 || !sourceAddress || !destinationAddress) return { ok: false, errors };

  const isIcmp = protocol === 1 || protocol === 58;
  const flow: ResolvedFlow = {
    packet: {
      ipVersion: version,
      source: sourceAddress,
      destination: destinationAddress,
      sourceAddress: formatPrefix(sourceAddress),
      destinationAddress: formatPrefix(destinationAddress),
      protocol,
      ...(hasPorts ? { destinationPort: spec.port as number, sourcePort: spec.sport ?? 40000 } : {}),
      ...(isIcmp ? { icmpType: spec.icmpType ?? (protocol === 1 ? 8 : 128), icmpCode: spec.icmpCode ?? 0 } : {}),
    },
    path: spec.path ?? derivePath(source, destination),
  };
  const addresses: [string, string] = [flow.packet.sourceAddress, flow.packet.destinationAddress];
  if (spec.path === 'host-ingress') hostPathEnds('host-ingress', { ends: [source, destination], addresses }, ingressHostEndpoint, notes);
  if (spec.path === 'host-egress') hostPathEnds('host-egress', { ends: [source, destination], addresses }, egressHostEndpoint, notes);
  if (flow.path === 'forwarded' && (ingressHostEndpoint || egressHostEndpoint) && spec.path === undefined) {
    notes.push('treated as forwarded through the host: neither end is an address of a host endpoint or a workload');
  }
  if (notes.length > 0) flow.notes = notes;
  if (source.endpoint) flow.sourceEndpoint = source.endpoint;
  if (destination.endpoint) flow.destinationEndpoint = destination.endpoint;
  const inHep = ingressHostEndpoint ?? (flow.path === 'host-ingress' && destination.endpoint?.kind === 'host' ? destination.endpoint : undefined);
  const outHep = egressHostEndpoint ?? (flow.path === 'host-egress' && source.endpoint?.kind === 'host' ? source.endpoint : undefined);
  if (inHep) flow.ingressHostEndpoint = inHep;
  if (outHep) flow.egressHostEndpoint = outHep;
  return { ok: true, flow };
}

/** An address in its usual text form. */
export function formatPrefix(prefix: Prefix): string {
  if (prefix.version === 4) {
    const value = Number(prefix.value);
    return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
  }
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((prefix.value >> shift) & 0xffffn).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}

/** Whether an address belongs to an endpoint (used by matrix and verify). */
export function endpointHasAddress(endpoint: Endpoint, address: Prefix): boolean {
  return endpoint.addresses.some((net) => {
    const prefix = parsePrefix(net);
    return prefix !== undefined && prefixContains(prefix, address);
  });
}
