/**
 * The compiler's intermediate representation: a firewall program as plain data that
 * the in-process evaluator (src/eval run) can execute and each backend (src/emit/nft,
 * src/emit/iptables) can print and read back. Nothing here is backend syntax.
 *
 * Semantics are netfilter's:
 * - A program has chains; some are attached to hooks (base chains). At a hook, base
 *   chains run in ascending priority; `accept` ends the current base chain only (the
 *   packet goes on to the next base chain of the hook, and to later hooks), `drop` and
 *   `reject` end everything.
 * - A rule matches when every match in `matches` holds (AND). Its `actions` run in
 *   order: zero or more non-terminal statements (setMark, log, notrack) and at most one
 *   verdict (accept, drop, reject, return, jump, goto, dispatch, masquerade), last.
 * - Falling off the end of a regular chain returns to the caller; falling off a base
 *   chain applies its policy.
 * - `dispatch` looks the packet's input or output interface up in a verdict map and
 *   takes the entry's verdict (jump or goto); when no entry matches, the rule does
 *   nothing and evaluation continues with the next rule.
 */

/** Where an IR rule came from: carried into comments so traces can cite the YAML. */
export interface Origin {
  /**
   * Stable, compact reference written into the emitted comment, from which the rest is
   * looked up: `p:<policy key>:<i|e>:<rule index>` (a policy rule), `r:<profile>:<i|e>:<rule index>`
   * (a profile rule), `t:<tier>:<i|e>` (an end-of-tier rule) or `s:<what>`
   * (structure: conntrack, dispatch, marks, failsafe, defaults).
   */
  id: string;
  tier?: string;
  /** Policy key (`np/<ns>/<name>`, `gnp/<name>`, ...). */
  policy?: string;
  profile?: string;
  direction?: 'ingress' | 'egress';
  ruleIndex?: number;
  /** The YAML the rule came from (absent for structure rules). */
  span?: { file: string; line: number; column: number };
}

export type CtState = 'new' | 'established' | 'related' | 'invalid' | 'untracked';

/** An inclusive port range (a single port has min = max). */
export interface PortRange {
  min: number;
  max: number;
}

/** Every match holds or fails on its own; `negate` inverts the whole match. */
export type Match =
  /** The packet's IP family (meta nfproto). */
  | { kind: 'family'; version: 4 | 6 }
  | { kind: 'ctState'; states: CtState[]; negate: boolean }
  /** Interface names; a name ending in `*` matches every interface with that prefix. OR-list. */
  | { kind: 'inInterface'; names: string[]; negate: boolean }
  | { kind: 'outInterface'; names: string[]; negate: boolean }
  /** Layer-4 protocol numbers, OR-list. */
  | { kind: 'protocol'; protocols: number[]; negate: boolean }
  /** Addresses or CIDRs of one family, OR-list (negated: in none of them). */
  | { kind: 'sourceNet'; version: 4 | 6; nets: string[]; negate: boolean }
  | { kind: 'destinationNet'; version: 4 | 6; nets: string[]; negate: boolean }
  /** Membership of the address in a named address set. */
  | { kind: 'sourceSet'; set: string; negate: boolean }
  | { kind: 'destinationSet'; set: string; negate: boolean }
  /** Port ranges, OR-list; only packets of a protocol with ports can match (negated too). */
  | { kind: 'sourcePort'; ranges: PortRange[]; negate: boolean }
  | { kind: 'destinationPort'; ranges: PortRange[]; negate: boolean }
  /** (address, protocol, port) of that side in a named-port set. */
  | { kind: 'sourceNamedPort'; set: string; negate: boolean }
  | { kind: 'destinationNamedPort'; set: string; negate: boolean }
  /**
   * ICMP (version 4) or ICMPv6 (version 6) type and optional code; negated as a pair,
   * as iptables' `! --icmp-type T/C` (not (type == T and code == C)). Only packets of
   * that ICMP protocol can match, negated or not.
   */
  | { kind: 'icmp'; version: 4 | 6; type: number; code?: number; negate: boolean }
  /** (mark & mask) == value. */
  | { kind: 'mark'; mask: number; value: number; negate: boolean };

export type Action =
  | { kind: 'accept' }
  | { kind: 'drop' }
  | { kind: 'reject' }
  | { kind: 'return' }
  | { kind: 'jump'; target: string }
  | { kind: 'goto'; target: string }
  | { kind: 'dispatch'; on: 'inInterface' | 'outInterface'; map: string }
  /** mark = (mark & ~mask) | value. Non-terminal. */
  | { kind: 'setMark'; mask: number; value: number }
  /** Non-terminal. */
  | { kind: 'log'; prefix: string }
  /** Non-terminal: the connection is not tracked (raw table only). */
  | { kind: 'notrack' }
  /** Source NAT to the outgoing interface's address (nat postrouting only); terminal. */
  | { kind: 'masquerade' };

export interface Rule {
  matches: Match[];
  actions: Action[];
  origin: Origin;
}

export type TableKind = 'raw' | 'mangle' | 'filter' | 'nat';
export type HookName = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';

export interface Chain {
  /** ≤ 28 characters of [A-Za-z0-9_.-] (the tightest backend limit: iptables). */
  name: string;
  rules: Rule[];
}

/** A chain attached to a netfilter hook (an nft base chain; an iptables built-in chain's jump). */
export interface Hook {
  table: TableKind;
  hook: HookName;
  /** nft priority (raw -300, mangle -150, filter 0, srcnat 100). */
  priority: number;
  chain: string;
  /** What happens when the chain falls off its end. */
  policy: 'accept' | 'drop';
}

export type SetType = 'ipv4' | 'ipv6' | 'ipv4-named-port' | 'ipv6-named-port';

/** A named set. Elements are canonical and sorted; address sets have no overlapping CIDRs. */
export interface AddressSet {
  /** ≤ 31 characters of [A-Za-z0-9_.-] (the tightest backend limit: ipset). */
  name: string;
  type: SetType;
  /**
   * Address sets: CIDRs (`10.0.0.0/24`, hosts as `/32` or `/128`), merged so none
   * overlaps another. Named-port sets: `<address>,<protocol number>,<port>`.
   */
  elements: string[];
  origin: Origin;
}

/** A verdict map from interface name to a chain (nft vmap; a dispatch chain in iptables). */
export interface InterfaceMap {
  name: string;
  entries: { interface: string; verdict: 'jump' | 'goto'; target: string }[];
  origin: Origin;
}

export interface Program {
  hooks: Hook[];
  chains: Chain[];
  sets: AddressSet[];
  maps: InterfaceMap[];
}

/** Mark bits (Felix's defaults, inside IptablesMarkMask 0xffff0000): see build.ts. */
export const MARK_ACCEPT = 0x10000;
export const MARK_PASS = 0x20000;

/** ICMPv6 types a workload may always send to its host: MLD (130-132), router solicitation (133), neighbour solicitation and advertisement (135, 136). */
export const ICMPV6_TO_HOST_TYPES: readonly number[] = [130, 131, 132, 133, 135, 136];
