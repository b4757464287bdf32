import type { ProtocolMatch } from '../model/index.js';

export const PROTOCOL_NUMBER: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58, sctp: 132, udplite: 136 };

export function protocolNumber(protocol: ProtocolMatch): number {
  return typeof protocol === 'number' ? protocol : (PROTOCOL_NUMBER[protocol] as number);
}
