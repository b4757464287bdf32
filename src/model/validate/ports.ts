import type { PortValue, ProtocolValue } from '../resources.js';
import type { Checker } from './context.js';
import { portNameProblems } from './names.js';

/* Protocols and ports: numorstring (parsing) and validator.go (validateProtocol, validatePort). */

const PROTOCOL_NAMES = ['TCP', 'UDP', 'ICMP', 'ICMPv6', 'SCTP', 'UDPLite'] as const;

/** upstream's Protocol.SupportsPorts: TCP, UDP and SCTP by number or name (v1 lowercase names too). */
export function protocolSupportsPorts(protocol: ProtocolValue | undefined): boolean {
  if (protocol === undefined) return false;
  if (typeof protocol === 'number') return protocol === 6 || protocol === 17 || protocol === 132;
  return ['TCP', 'UDP', 'SCTP', 'tcp', 'udp', 'sctp'].includes(protocol);
}

export function isIcmp(protocol: ProtocolValue | undefined): boolean {
  return protocol === 'ICMP' || protocol === 1;
}

export function isIcmpv6(protocol: ProtocolValue | undefined): boolean {
  return protocol === 'ICMPv6' || protocol === 58;
}

/** A protocol value: 1-255, or one of upstream's names, case-sensitive (`tcp` is rejected, as upstream does). */
export function checkProtocol(protocol: ProtocolValue, pointer: string, checker: Checker): boolean {
  if (typeof protocol === 'number') {
    if (Number.isInteger(protocol) && protocol >= 1 && protocol <= 255) return true;
    checker.invalid('protocolNumber', pointer, { value: protocol });
    return false;
  }
  if ((PROTOCOL_NAMES as readonly string[]).includes(protocol)) return true;
  const known = PROTOCOL_NAMES.find((name) => name.toLowerCase() === protocol.toLowerCase());
  checker.invalid('protocolName', pointer, { value: protocol }, known ? { help: `protocol names are case-sensitive: write "${known}"` } : {});
  return false;
}

export type Port = { kind: 'range'; min: number; max: number } | { kind: 'named'; name: string };

/**
 * Parses a port as upstream decodes it (an integer, "N", "min:max" or a name), reporting
 * what does not decode. Undefined when it does not.
 */
export function parsePort(value: PortValue, pointer: string, checker: Checker): Port | undefined {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 65535) return { kind: 'range', min: value, max: value };
    checker.invalid('portFormat', pointer, { value });
    return undefined;
  }
  if (/^\d+$/.test(value)) {
    if (Number(value) <= 65535) return { kind: 'range', min: Number(value), max: Number(value) };
    checker.invalid('portFormat', pointer, { value });
    return undefined;
  }
  const range = /^(\d+):(\d+)$/.exec(value);
  if (range) {
    const [min, max] = [Number(range[1]), Number(range[2])];
    if (min > 65535) return fail(checker, 'portRangeMin', pointer, { value });
    if (max > 65535) return fail(checker, 'portRangeMax', pointer, { value });
    if (min > max) return fail(checker, 'portRangeOrder', pointer, { min, max });
    return { kind: 'range', min, max };
  }
  if (!/^[a-zA-Z0-9_.-]{1,128}$/.test(value)) return fail(checker, 'portNameFormat', pointer, { value });
  return { kind: 'named', name: value };
}

function fail(checker: Checker, messageId: 'portRangeMin' | 'portRangeMax' | 'portRangeOrder' | 'portNameFormat', pointer: string, data: Record<string, string | number>): undefined {
  checker.invalid(messageId, pointer, data);
  return undefined;
}

/** validatePort: numbers 1-65535; a name must be a valid port name (an IANA service name). */
export function checkPort(port: Port, pointer: string, checker: Checker): void {
  if (port.kind === 'named') {
    const [reason] = portNameProblems(port.name);
    if (reason) checker.invalid('portName', pointer, { field: 'PortName', value: port.name, reason });
    return;
  }
  if (port.min < 1) checker.invalid('portZero', pointer, { value: port.min });
  else if (port.max < 1) checker.invalid('portZero', pointer, { value: port.max });
}

/** Parses and checks a list of ports; returns the ones that decoded (with their pointers). */
export function checkPortList(ports: readonly PortValue[] | undefined, pointer: string, checker: Checker): { port: Port; pointer: string }[] {
  const parsed: { port: Port; pointer: string }[] = [];
  (ports ?? []).forEach((value, i) => {
    const itemPointer = `${pointer}/${i}`;
    const port = parsePort(value, itemPointer, checker);
    if (!port) return;
    checkPort(port, itemPointer, checker);
    parsed.push({ port, pointer: itemPointer });
  });
  return parsed;
}
