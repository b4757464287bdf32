/**
 * The JSON-lines protocol between the lab and the agent running in each namespace:
 * one request per line on the agent's stdin, one response per line on its stdout,
 * matched by `id`. Types only, so the agent stays a single self-contained program.
 */

export type ProbeProtocol = 'tcp' | 'udp' | 'icmp';

/** Why a probe did not complete its round trip. */
export type ProbeFailureReason =
  | 'timeout'
  | 'refused'
  | 'unreachable'
  | 'reset'
  | 'error'
  | 'tool-missing';

export interface SysctlEntry {
  /** Path under /proc/sys, e.g. `net/ipv4/conf/cali1234567890a/proxy_arp`. */
  path: string;
  value: string;
}

export type AgentRequest =
  | { id: number; op: 'sysctl'; entries: SysctlEntry[] }
  | { id: number; op: 'listen'; protocol: 'tcp' | 'udp'; address: string; port: number }
  | {
      id: number;
      op: 'connect';
      protocol: 'tcp' | 'udp';
      address: string;
      port: number;
      sourceAddress?: string;
      /** Bind this source port (default: an ephemeral one). */
      sourcePort?: number;
      token: string;
      timeoutMs: number;
    }
  | { id: number; op: 'ping'; address: string; sourceAddress?: string; timeoutMs: number }
  /** Close every echo server (their ports become free for probes that bind them as a source). */
  | { id: number; op: 'unlisten' }
  | { id: number; op: 'shutdown' };

/** Requests without their id, as callers write them. */
export type AgentCommand = AgentRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface AgentResponse {
  id: number;
  ok: boolean;
  reason?: ProbeFailureReason;
  detail?: string;
  elapsedMs?: number;
}

/** The first line an agent prints once it reads requests. */
export const AGENT_READY_ID = 0;
