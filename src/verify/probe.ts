import { randomUUID } from 'node:crypto';
import type { Agent } from './agent-client.js';
import type { AgentResponse, ProbeFailureReason, ProbeProtocol } from './agents/protocol.js';
import { commandExists } from './command.js';
import { mapLimited } from './concurrency.js';
import { canonicalAddress, familyOf, type EndpointAddresses, type LabTopology } from './topology.js';

/**
 * Real packet probes between lab endpoints. A probe is a round trip: TCP connect, send
 * a token and read it back; UDP send a token and receive its echo; ICMP echo via
 * `ping`. Only a complete round trip counts as allowed. The destination's agent is told
 * to listen first, so a refusal or a time-out means the network (the ruleset) stopped it.
 * Probes only go to addresses that some namespace of the lab owns.
 */

export type { ProbeProtocol, ProbeFailureReason } from './agents/protocol.js';

export interface ProbeRequest {
  /** Endpoint name: the node, a workload, a host endpoint or an external host. */
  from: string;
  /** Destination address; it must belong to an endpoint of the lab. */
  to: string;
  protocol: ProbeProtocol;
  /** Destination port (TCP and UDP). */
  port?: number;
  /** Source port (TCP and UDP); default an ephemeral one. */
  sourcePort?: number;
}

export interface ProbeOptions {
  /** Time allowed for one TCP/UDP round trip; default 400 ms. */
  timeoutMs?: number;
  /** Time allowed for one ping; default 1000 ms. */
  icmpTimeoutMs?: number;
  /** Probes in flight at once (probeAll); default 8. */
  concurrency?: number;
}

/** allowed: full round trip; blocked: the network stopped it; error: the probe could not be made. */
export type ProbeOutcome = 'allowed' | 'blocked' | 'error';

export interface ProbeResult {
  request: ProbeRequest;
  outcome: ProbeOutcome;
  reason?: ProbeFailureReason | 'not-in-lab' | 'invalid-request';
  detail?: string;
  elapsedMs: number;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 400;
export const DEFAULT_ICMP_TIMEOUT_MS = 1_000;
export const DEFAULT_PROBE_CONCURRENCY = 8;

/** Failures that mean the network stopped the flow (as opposed to a probe that could not run). */
const NETWORK_VERDICTS = new Set<ProbeFailureReason>(['timeout', 'refused', 'unreachable', 'reset']);

interface LabEndpoint extends EndpointAddresses {
  name: string;
  namespace: string;
}

/** Every endpoint that can send or receive probes: the node, workloads, external hosts, host endpoints (the node again). */
export function endpointsOf(topology: LabTopology): LabEndpoint[] {
  const { node } = topology;
  const endpoint = (e: LabEndpoint): LabEndpoint => ({ name: e.name, namespace: e.namespace, ipv4: e.ipv4, ipv6: e.ipv6 });
  return [
    endpoint(node),
    ...topology.workloads.map(endpoint),
    ...topology.externalHosts.map(endpoint),
    ...topology.hostEndpoints.map(endpoint),
  ];
}

export class ProbeRunner {
  private readonly endpoints = new Map<string, LabEndpoint>();
  private readonly owners = new Map<string, LabEndpoint>();
  private readonly listeners = new Map<string, Promise<string | undefined>>();
  private pingInstalled: boolean | undefined;

  constructor(
    topology: LabTopology,
    private readonly agentIn: (namespace: string) => Agent,
  ) {
    for (const endpoint of endpointsOf(topology)) {
      this.endpoints.set(endpoint.name, endpoint);
      for (const address of [endpoint.ipv4, endpoint.ipv6]) {
        const key = address === undefined ? undefined : canonicalAddress(address);
        if (key !== undefined && !this.owners.has(key)) this.owners.set(key, endpoint);
      }
    }
  }

  /** The address of an endpoint in one family, or undefined. */
  address(endpointName: string, family: 4 | 6): string | undefined {
    const endpoint = this.endpoints.get(endpointName);
    return family === 4 ? endpoint?.ipv4 : endpoint?.ipv6;
  }

  async probe(request: ProbeRequest, options: ProbeOptions = {}): Promise<ProbeResult> {
    const started = performance.now();
    const fail = (outcome: ProbeOutcome, reason: ProbeResult['reason'], detail: string): ProbeResult => ({
      request,
      outcome,
      reason,
      detail,
      elapsedMs: Math.round(performance.now() - started),
    });
    const source = this.endpoints.get(request.from);
    if (!source) return fail('error', 'invalid-request', `no endpoint named "${request.from}" in the lab`);
    const family = familyOf(request.to);
    const target = this.owners.get(canonicalAddress(request.to) ?? '');
    if (!family || !target) return fail('error', 'not-in-lab', `${request.to} belongs to no namespace of the lab; nothing was sent`);
    const sourceAddress = family === 4 ? source.ipv4 : source.ipv6;
    if (sourceAddress === undefined) return fail('error', 'invalid-request', `${source.name} has no IPv${family} address`);
    if (request.protocol === 'icmp') return this.ping(request, source, sourceAddress, options);
    const port = request.port;
    const validPort = (p: number | undefined) => p !== undefined && Number.isInteger(p) && p >= 1 && p <= 65_535;
    if (!validPort(port)) return fail('error', 'invalid-request', `a ${request.protocol} probe needs a port 1–65535`);
    if (request.sourcePort !== undefined && !validPort(request.sourcePort)) return fail('error', 'invalid-request', 'the source port must be 1–65535');
    const listenError = await this.ensureListening(target.namespace, request.protocol, request.to, port as number);
    if (listenError !== undefined) return fail('error', 'error', listenError);
    const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
    const token = `calpol-probe-${randomUUID()}`;
    const sourcePort = request.sourcePort === undefined ? {} : { sourcePort: request.sourcePort };
    const command = { op: 'connect', protocol: request.protocol, address: request.to, port: port as number, sourceAddress, token, timeoutMs, ...sourcePort } as const;
    const response = await this.agentIn(source.namespace).request(command, timeoutMs);
    return this.toResult(request, response, started);
  }

  /** Run many probes with bounded concurrency; results keep the order of the requests. */
  probeAll(requests: readonly ProbeRequest[], options: ProbeOptions = {}): Promise<ProbeResult[]> {
    return mapLimited(requests, options.concurrency ?? DEFAULT_PROBE_CONCURRENCY, (request) => this.probe(request, options));
  }

  private async ping(
    request: ProbeRequest,
    source: LabEndpoint,
    sourceAddress: string,
    options: ProbeOptions,
  ): Promise<ProbeResult> {
    const started = performance.now();
    this.pingInstalled ??= commandExists('ping');
    if (!this.pingInstalled) {
      const detail = 'ping is not installed (Debian package iputils-ping)';
      return { request, outcome: 'error', reason: 'tool-missing', detail, elapsedMs: 0 };
    }
    const timeoutMs = options.icmpTimeoutMs ?? DEFAULT_ICMP_TIMEOUT_MS;
    const command = { op: 'ping', address: request.to, sourceAddress, timeoutMs } as const;
    const response = await this.agentIn(source.namespace).request(command, timeoutMs);
    return this.toResult(request, response, started);
  }

  private toResult(request: ProbeRequest, response: AgentResponse, started: number): ProbeResult {
    const elapsedMs = response.elapsedMs ?? Math.round(performance.now() - started);
    if (response.ok) return { request, outcome: 'allowed', elapsedMs };
    const blocked = response.reason !== undefined && NETWORK_VERDICTS.has(response.reason);
    const result: ProbeResult = { request, outcome: blocked ? 'blocked' : 'error', elapsedMs };
    if (response.reason !== undefined) result.reason = response.reason;
    if (response.detail !== undefined) result.detail = response.detail;
    return result;
  }

  /** Close every echo server started so far (they start again when a probe needs them). */
  async closeListeners(): Promise<void> {
    const namespaces = new Set([...this.listeners.keys()].map((key) => key.split('/')[0] as string));
    await Promise.all([...this.listeners.values()]);
    this.listeners.clear();
    await Promise.all([...namespaces].map((namespace) => this.agentIn(namespace).request({ op: 'unlisten' })));
  }

  /** Start (once) an echo server on address/port in its namespace; returns an error message or undefined. */
  private ensureListening(namespace: string, protocol: 'tcp' | 'udp', address: string, port: number): Promise<string | undefined> {
    const key = `${namespace}/${protocol}/${canonicalAddress(address)}/${port}`;
    let listening = this.listeners.get(key);
    if (!listening) {
      listening = this.agentIn(namespace)
        .request({ op: 'listen', protocol, address, port })
        .then((response) => (response.ok ? undefined : (response.detail ?? `cannot listen on ${protocol}/${port}`)));
      this.listeners.set(key, listening);
    }
    return listening;
  }
}
