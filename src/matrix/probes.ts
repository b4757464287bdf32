import type { PolicySet, ProtocolMatch } from '../model/index.js';

/** The protocols a matrix can probe: port protocols need a port, ICMP ones take none. */
export type ProbeProtocol = 'tcp' | 'udp' | 'sctp' | 'icmp' | 'icmpv6';

/**
 * One column group of the matrix: the packet every (source, destination) pair is tested
 * with. TCP, UDP and SCTP probes have a destination port (the source port is 40000, as
 * in `calpol explain`); ICMP probes are echo requests (type 8, or 128 for ICMPv6).
 */
export interface Probe {
  protocol: ProbeProtocol;
  /** IANA protocol number. */
  protocolNumber: number;
  port?: number;
  /** `tcp/80`, `icmp`: how the probe is written on the command line and shown. */
  label: string;
}

const PROTOCOL_NUMBER: Record<ProbeProtocol, number> = { tcp: 6, udp: 17, sctp: 132, icmp: 1, icmpv6: 58 };
const PORT_PROTOCOLS: readonly ProbeProtocol[] = ['tcp', 'udp', 'sctp'];
const NUMBER_TO_PORT_PROTOCOL: Record<number, ProbeProtocol> = { 6: 'tcp', 17: 'udp', 132: 'sctp' };

/** The default probe when the policies name no port. */
export const FALLBACK_PROBE = 'tcp/80';
/** How many of the ports the policies mention are probed by default. */
export const DEFAULT_PORT_LIMIT = 8;

export function makeProbe(protocol: ProbeProtocol, port?: number): Probe {
  const probe: Probe = { protocol, protocolNumber: PROTOCOL_NUMBER[protocol], label: port === undefined ? protocol : `${protocol}/${port}` };
  if (port !== undefined) probe.port = port;
  return probe;
}

export type ProbeParse = { ok: true; probes: Probe[] } | { ok: false; error: string };

function parseOne(entry: string): Probe | string {
  const text = entry.trim().toLowerCase();
  if (text === 'icmp' || text === 'icmpv6') return makeProbe(text);
  const match = /^(?:([a-z]+)\/)?(\d+)$/.exec(text);
  const protocol = (match?.[1] ?? 'tcp') as ProbeProtocol;
  if (!match || !PORT_PROTOCOLS.includes(protocol)) {
    return `"${entry.trim()}": expected tcp/PORT, udp/PORT, sctp/PORT, a bare PORT (TCP), icmp or icmpv6`;
  }
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return `"${entry.trim()}": port must be 1-65535`;
  return makeProbe(protocol, port);
}

/** Parses `tcp/80,udp/53,icmp`; keeps the order given and drops repeats. */
export function parseProbes(text: string): ProbeParse {
  const probes: Probe[] = [];
  const seen = new Set<string>();
  const entries = text.split(',').filter((entry) => entry.trim() !== '');
  if (entries.length === 0) return { ok: false, error: 'no port given' };
  for (const entry of entries) {
    const probe = parseOne(entry);
    if (typeof probe === 'string') return { ok: false, error: probe };
    if (seen.has(probe.label)) continue;
    seen.add(probe.label);
    probes.push(probe);
  }
  return { ok: true, probes };
}

function portProtocol(protocol: ProtocolMatch | undefined): ProbeProtocol | undefined {
  if (protocol === undefined) return undefined;
  if (typeof protocol === 'number') return NUMBER_TO_PORT_PROTOCOL[protocol];
  return (PORT_PROTOCOLS as readonly string[]).includes(protocol) ? (protocol as ProbeProtocol) : undefined;
}

export function compareProbes(a: Probe, b: Probe): number {
  const byProtocol = PORT_PROTOCOLS.indexOf(a.protocol) - PORT_PROTOCOLS.indexOf(b.protocol);
  return byProtocol || (a.port ?? 0) - (b.port ?? 0);
}

export interface DefaultProbes {
  probes: Probe[];
  /** How many distinct (protocol, port) pairs the policies mention (more than `probes` when capped). */
  mentioned: number;
}

/**
 * The ports the policies mention: each rule's numeric destination ports (the first port
 * of a range) with the rule's protocol. The `limit` most mentioned are kept (ties: by
 * protocol, then port) and returned sorted by protocol (tcp, udp, sctp), then port;
 * `tcp/80` when no policy names a port.
 */
export function defaultProbes(policySet: PolicySet, limit = DEFAULT_PORT_LIMIT): DefaultProbes {
  const counts = new Map<string, { probe: Probe; count: number }>();
  for (const policy of policySet.policies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      const protocol = portProtocol(rule.protocol);
      if (!protocol) continue;
      for (const match of rule.destination.ports) {
        if (match.kind !== 'range') continue;
        const probe = makeProbe(protocol, match.min);
        const entry = counts.get(probe.label);
        if (entry) entry.count++;
        else counts.set(probe.label, { probe, count: 1 });
      }
    }
  }
  if (counts.size === 0) return { probes: [makeProbe('tcp', 80)], mentioned: 0 };
  const ranked = [...counts.values()].sort((a, b) => b.count - a.count || compareProbes(a.probe, b.probe));
  const probes = ranked.slice(0, limit).map((entry) => entry.probe).sort(compareProbes);
  return { probes, mentioned: counts.size };
}
