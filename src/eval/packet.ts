import type { Endpoint } from '../model/index.js';
import type { Prefix } from '../model/index.js';

/** IANA protocol numbers of the protocols calpol names. */
export const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = {
  icmp: 1,
  tcp: 6,
  udp: 17,
  icmpv6: 58,
  sctp: 132,
  udplite: 136,
};

export const PROTOCOL_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(PROTOCOL_NUMBERS).map(([name, number]) => [number, name]),
);

/** Protocols whose packets carry ports (rules with ports need one of these). */
export const PORT_PROTOCOLS: ReadonlySet<number> = new Set([6, 17, 132]);

/** One packet of a new connection, as the evaluators see it. */
export interface Packet {
  ipVersion: 4 | 6;
  source: Prefix;
  destination: Prefix;
  /** The addresses as the user gave them (for traces). */
  sourceAddress: string;
  destinationAddress: string;
  protocol: number;
  sourcePort?: number;
  destinationPort?: number;
  icmpType?: number;
  icmpCode?: number;
}

/**
 * Which way a packet crosses the node, deciding which chains see it (docs/design.md, docs/calico-semantics.md §3.6):
 * - `workload`: to or from a workload endpoint (forwarded by the host, pod egress and/or ingress);
 * - `host-ingress`: to a process on the host (through a host endpoint, or from a local pod);
 * - `host-egress`: from a process on the host;
 * - `forwarded`: through the host between two non-workload interfaces (host endpoint forward chains).
 */
export type PathKind = 'workload' | 'host-ingress' | 'host-egress' | 'forwarded';

/** A flow after its ends have been resolved against the inventory. */
export interface ResolvedFlow {
  packet: Packet;
  path: PathKind;
  /** The source endpoint, when the source address (or name) is one. */
  sourceEndpoint?: Endpoint;
  destinationEndpoint?: Endpoint;
  /** Host endpoint the packet arrives on / leaves by (host paths and forwarded traffic). */
  ingressHostEndpoint?: Endpoint;
  egressHostEndpoint?: Endpoint;
  /** What resolving the flow had to assume or decide, for the reader (an address stood in, a path and why). */
  notes?: string[];
}
