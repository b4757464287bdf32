import { describe, expect, it } from 'vitest';
import type { RunInput } from '../../src/eval/index.js';
import type { AddressSet, Match } from '../../src/ir/index.js';
import { matchHolds, packet, type PacketFields } from './run-helpers.js';

const input = (fields: PacketFields = {}, extra: Partial<RunInput> = {}): RunInput => ({ packet: packet(fields), path: 'forward', inInterface: 'cali1', outInterface: 'eth0', ...extra });
const holds = (match: Match, fields: PacketFields = {}, extra: Partial<RunInput> = {}, sets: AddressSet[] = []) => matchHolds(match, input(fields, extra), sets);
const negated = <M extends Match & { negate: boolean }>(match: M): M => ({ ...match, negate: true });

const tcp = {};
const udp = { protocol: 17 };
const icmp4 = { protocol: 1 };
const icmp6 = { protocol: 58, src: 'fd00::1', dst: 'fd00::2' };
const v6 = { src: 'fd00::1', dst: 'fd00::2' };

describe('run matches: family, conntrack, interfaces, protocol', () => {
  it('family by the packet IP version', () => {
    expect(holds({ kind: 'family', version: 4 })).toBe(true);
    expect(holds({ kind: 'family', version: 6 })).toBe(false);
    expect(holds({ kind: 'family', version: 6 }, v6)).toBe(true);
  });

  it('ctState: new by default, the given state otherwise, negatable', () => {
    const established = { kind: 'ctState', states: ['established', 'related'], negate: false } satisfies Match;
    expect(holds(established)).toBe(false);
    expect(holds(established, tcp, { ctState: 'related' })).toBe(true);
    expect(holds(negated(established))).toBe(true);
    expect(holds(negated(established), tcp, { ctState: 'established' })).toBe(false);
    expect(holds({ kind: 'ctState', states: ['invalid'], negate: false }, tcp, { ctState: 'invalid' })).toBe(true);
  });

  it('interfaces: exact names and `*` prefixes, OR-list, negatable', () => {
    const workloads = { kind: 'inInterface', names: ['tap0', 'cali*'], negate: false } satisfies Match;
    expect(holds(workloads)).toBe(true);
    expect(holds(workloads, tcp, { inInterface: 'tap0' })).toBe(true);
    expect(holds(workloads, tcp, { inInterface: 'tap01' })).toBe(false);
    expect(holds(workloads, tcp, { inInterface: 'eth0' })).toBe(false);
    expect(holds(negated(workloads), tcp, { inInterface: 'eth0' })).toBe(true);
    expect(holds({ kind: 'outInterface', names: ['eth0'], negate: false })).toBe(true);
    expect(holds({ kind: 'outInterface', names: ['eth*'], negate: true })).toBe(false);
  });

  it('an absent interface matches no name (and every negated list)', () => {
    expect(matchHolds({ kind: 'inInterface', names: ['cali*'], negate: false }, { packet: packet(), path: 'output', outInterface: 'eth0' })).toBe(false);
    expect(matchHolds({ kind: 'inInterface', names: ['cali*'], negate: true }, { packet: packet(), path: 'output', outInterface: 'eth0' })).toBe(true);
  });

  it('protocol numbers, OR-list, negatable', () => {
    const tcpOrUdp = { kind: 'protocol', protocols: [6, 17], negate: false } satisfies Match;
    expect(holds(tcpOrUdp)).toBe(true);
    expect(holds(tcpOrUdp, udp)).toBe(true);
    expect(holds(tcpOrUdp, icmp4)).toBe(false);
    expect(holds(negated(tcpOrUdp), icmp4)).toBe(true);
    expect(holds(negated(tcpOrUdp))).toBe(false);
  });
});

describe('run matches: addresses', () => {
  it('source and destination nets: hosts and prefixes, OR-list, negatable', () => {
    const nets = { kind: 'sourceNet', version: 4, nets: ['10.0.0.1', '192.168.0.0/16'], negate: false } satisfies Match;
    expect(holds(nets)).toBe(true);
    expect(holds(nets, { src: '192.168.44.3' })).toBe(true);
    expect(holds(nets, { src: '10.0.0.3' })).toBe(false);
    expect(holds(negated(nets), { src: '10.0.0.3' })).toBe(true);
    expect(holds({ kind: 'destinationNet', version: 4, nets: ['10.0.0.0/30'], negate: false })).toBe(true);
    expect(holds({ kind: 'destinationNet', version: 4, nets: ['10.0.0.0/31'], negate: false })).toBe(false);
    expect(holds({ kind: 'destinationNet', version: 4, nets: ['0.0.0.0/0'], negate: false })).toBe(true);
  });

  it('IPv6 nets', () => {
    const nets = { kind: 'destinationNet', version: 6, nets: ['fd00::/64'], negate: false } satisfies Match;
    expect(holds(nets, v6)).toBe(true);
    expect(holds(nets, { src: 'fd00::1', dst: 'fd01::2' })).toBe(false);
    expect(holds({ kind: 'sourceNet', version: 6, nets: ['fd00::1'], negate: false }, v6)).toBe(true);
    expect(holds({ kind: 'sourceNet', version: 6, nets: ['::/0'], negate: false }, v6)).toBe(true);
  });

  it("a net or set of the other family never matches, negated or not (nft's implicit nfproto)", () => {
    expect(holds({ kind: 'sourceNet', version: 6, nets: ['fd00::/8'], negate: true })).toBe(false);
    expect(holds({ kind: 'sourceNet', version: 4, nets: ['10.0.0.0/8'], negate: true }, v6)).toBe(false);
    const set: AddressSet = { name: 'v4', type: 'ipv4', elements: ['10.0.0.0/8'], origin: { id: 's:x' } };
    expect(holds({ kind: 'sourceSet', set: 'v4', negate: true }, v6, {}, [set])).toBe(false);
  });

  it('address sets hold CIDRs; membership by side, negatable', () => {
    const sets: AddressSet[] = [
      { name: 'pods', type: 'ipv4', elements: ['10.0.0.1/32', '10.1.0.0/16'], origin: { id: 's:pods' } },
      { name: 'pods6', type: 'ipv6', elements: ['fd00::1/128', 'fd10::/16'], origin: { id: 's:pods6' } },
    ];
    expect(holds({ kind: 'sourceSet', set: 'pods', negate: false }, tcp, {}, sets)).toBe(true);
    expect(holds({ kind: 'destinationSet', set: 'pods', negate: false }, tcp, {}, sets)).toBe(false);
    expect(holds({ kind: 'destinationSet', set: 'pods', negate: false }, { dst: '10.1.200.9' }, {}, sets)).toBe(true);
    expect(holds({ kind: 'destinationSet', set: 'pods', negate: true }, tcp, {}, sets)).toBe(true);
    expect(holds({ kind: 'sourceSet', set: 'pods6', negate: false }, v6, {}, sets)).toBe(true);
    expect(holds({ kind: 'destinationSet', set: 'pods6', negate: false }, { src: 'fd00::1', dst: 'fd10:ff::3' }, {}, sets)).toBe(true);
    expect(holds({ kind: 'destinationSet', set: 'pods6', negate: false }, v6, {}, sets)).toBe(false);
  });

  it('a set the program does not define, or of the wrong kind, is an error', () => {
    expect(() => holds({ kind: 'sourceSet', set: 'nope', negate: false })).toThrow(/set "nope"/);
    const named: AddressSet = { name: 'np', type: 'ipv4-named-port', elements: [], origin: { id: 's:np' } };
    expect(() => holds({ kind: 'sourceSet', set: 'np', negate: false }, tcp, {}, [named])).toThrow(/not an address set/);
  });
});

describe('run matches: ports and named ports', () => {
  const http = { kind: 'destinationPort', ranges: [{ min: 80, max: 80 }, { min: 8000, max: 8099 }], negate: false } satisfies Match;

  it('port ranges, OR-list, by side', () => {
    expect(holds(http)).toBe(true);
    expect(holds(http, { dport: 8099 })).toBe(true);
    expect(holds(http, { dport: 8100 })).toBe(false);
    expect(holds(http, udp)).toBe(true);
    expect(holds(http, { protocol: 132 })).toBe(true);
    expect(holds({ kind: 'sourcePort', ranges: [{ min: 40000, max: 40000 }], negate: false })).toBe(true);
    expect(holds({ kind: 'sourcePort', ranges: [{ min: 80, max: 80 }], negate: false })).toBe(false);
  });

  it('negated ports match other ports, but only on tcp/udp/sctp packets', () => {
    expect(holds(negated(http), { dport: 22 })).toBe(true);
    expect(holds(negated(http))).toBe(false);
    expect(holds(negated(http), icmp4)).toBe(false);
    expect(holds(negated(http), { protocol: 47 })).toBe(false);
    expect(holds(http, icmp4)).toBe(false);
  });

  it('named-port sets hold <address>,<protocol>,<port>', () => {
    const sets: AddressSet[] = [
      { name: 'web-http', type: 'ipv4-named-port', elements: ['10.0.0.2,6,8080', '10.0.0.3,17,53'], origin: { id: 's:np' } },
      { name: 'web-http6', type: 'ipv6-named-port', elements: ['fd00::2,6,8080'], origin: { id: 's:np6' } },
    ];
    const dst = { kind: 'destinationNamedPort', set: 'web-http', negate: false } satisfies Match;
    expect(holds(dst, { dport: 8080 }, {}, sets)).toBe(true);
    expect(holds(dst, { dport: 8080, protocol: 17 }, {}, sets)).toBe(false);
    expect(holds(dst, { dport: 8081 }, {}, sets)).toBe(false);
    expect(holds(dst, { dst: '10.0.0.3', dport: 53, protocol: 17 }, {}, sets)).toBe(true);
    expect(holds(negated(dst), { dport: 8081 }, {}, sets)).toBe(true);
    expect(holds(negated(dst), { dport: 8080 }, {}, sets)).toBe(false);
    expect(holds({ kind: 'sourceNamedPort', set: 'web-http', negate: false }, { src: '10.0.0.2', sport: 8080, dst: '10.0.0.9' }, {}, sets)).toBe(true);
    expect(holds({ kind: 'destinationNamedPort', set: 'web-http6', negate: false }, { ...v6, dport: 8080 }, {}, sets)).toBe(true);
    // Packets without ports are never members (the negation of a non-member holds).
    expect(holds(dst, icmp4, {}, sets)).toBe(false);
    expect(holds(negated(dst), icmp4, {}, sets)).toBe(true);
  });
});

describe('run matches: ICMP and marks', () => {
  const echo = { kind: 'icmp', version: 4, type: 8, negate: false } satisfies Match;
  const echoCode0 = { kind: 'icmp', version: 4, type: 8, code: 0, negate: false } satisfies Match;

  it('type, and type with code', () => {
    expect(holds(echo, icmp4)).toBe(true);
    expect(holds(echo, { ...icmp4, icmpType: 0 })).toBe(false);
    expect(holds(echoCode0, icmp4)).toBe(true);
    expect(holds(echoCode0, { ...icmp4, icmpCode: 1 })).toBe(false);
  });

  it('negation is over the (type, code) pair', () => {
    expect(holds(negated(echoCode0), icmp4)).toBe(false);
    expect(holds(negated(echoCode0), { ...icmp4, icmpCode: 1 })).toBe(true);
    expect(holds(negated(echoCode0), { ...icmp4, icmpType: 0 })).toBe(true);
    expect(holds(negated(echo), { ...icmp4, icmpType: 8, icmpCode: 5 })).toBe(false);
  });

  it('only packets of that ICMP protocol match, negated or not', () => {
    expect(holds(echo)).toBe(false);
    expect(holds(negated(echo))).toBe(false);
    expect(holds(negated(echo), icmp6)).toBe(false);
    const echo6 = { kind: 'icmp', version: 6, type: 128, negate: false } satisfies Match;
    expect(holds(echo6, icmp6)).toBe(true);
    expect(holds(echo6, icmp4)).toBe(false);
    expect(holds(negated(echo6), { ...icmp6, icmpType: 129 })).toBe(true);
    expect(holds(negated(echo6), udp)).toBe(false);
  });

  it('mark: (mark & mask) == value', () => {
    expect(holds({ kind: 'mark', mask: 0x10000, value: 0x10000, negate: false }, tcp, { mark: 0x30000 })).toBe(true);
    expect(holds({ kind: 'mark', mask: 0x30000, value: 0x10000, negate: false }, tcp, { mark: 0x30000 })).toBe(false);
    expect(holds({ kind: 'mark', mask: 0xffff0000, value: 0, negate: false }, tcp, { mark: 0xffff })).toBe(true);
    expect(holds({ kind: 'mark', mask: 0x80000000, value: 0x80000000, negate: false }, tcp, { mark: 0x80000000 })).toBe(true);
  });

  it('all matches of a rule must hold (AND)', () => {
    const rule: Match[] = [
      { kind: 'protocol', protocols: [6], negate: false },
      { kind: 'destinationPort', ranges: [{ min: 80, max: 80 }], negate: false },
    ];
    expect(matchHolds(rule, input())).toBe(true);
    expect(matchHolds(rule, input({ protocol: 17 }))).toBe(false);
    expect(matchHolds(rule, input({ dport: 81 }))).toBe(false);
    expect(matchHolds([], input())).toBe(true);
  });
});
