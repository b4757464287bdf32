/**
 * Felix's failsafe ports: traffic to and from host endpoints on these ports is allowed
 * before any policy is consulted (so a bad policy cannot cut a node off from its
 * control plane). Format `proto:[net:]port`, as Felix's FailsafeInboundHostPorts /
 * FailsafeOutboundHostPorts (felix/config/config_params.go).
 */
export interface FailsafePort {
  protocol: 'tcp' | 'udp' | 'sctp';
  port: number;
  /** With a net: inbound entries also check the source, outbound the destination. */
  net?: string;
}

export interface FailsafeConfig {
  inbound: FailsafePort[];
  outbound: FailsafePort[];
}

const COMMON = ['tcp:179', 'tcp:2379', 'tcp:2380', 'tcp:5473', 'tcp:6443', 'tcp:6666', 'tcp:6667'];
export const DEFAULT_FAILSAFE_INBOUND = ['tcp:22', 'udp:68', ...COMMON];
export const DEFAULT_FAILSAFE_OUTBOUND = ['udp:53', 'udp:67', ...COMMON];

export type FailsafeParse = { ok: true; ports: FailsafePort[] } | { ok: false; error: string };

/** Parses a comma-separated list such as `tcp:22,udp:68,tcp:10.0.0.0/8:6443` ("none" = empty). */
export function parseFailsafePorts(text: string): FailsafeParse {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'none') return { ok: true, ports: [] };
  const ports: FailsafePort[] = [];
  for (const entry of trimmed.split(',')) {
    const parts = entry.trim().split(':');
    const protocol = parts[0]?.toLowerCase();
    if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'sctp') {
      return { ok: false, error: `failsafe port "${entry}": protocol must be tcp, udp or sctp` };
    }
    // IPv6 nets contain ':' too: the port is always the last part, the net everything between.
    const portText = parts.at(-1) ?? '';
    const net = parts.length > 2 ? parts.slice(1, -1).join(':') : undefined;
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
      return { ok: false, error: `failsafe port "${entry}": port must be 1-65535` };
    }
    ports.push(net === undefined ? { protocol, port } : { protocol, port, net });
  }
  return { ok: true, ports };
}

function parseDefaults(entries: string[]): FailsafePort[] {
  const parsed = parseFailsafePorts(entries.join(','));
  if (!parsed.ok) throw new Error(`bug: default failsafe ports do not parse: ${parsed.error}`);
  return parsed.ports;
}

export function defaultFailsafe(): FailsafeConfig {
  return { inbound: parseDefaults(DEFAULT_FAILSAFE_INBOUND), outbound: parseDefaults(DEFAULT_FAILSAFE_OUTBOUND) };
}
