/**
 * The subset of libnftables JSON (`nft -j`, schema version 1, nft 1.0.6) that calpol
 * emits and decodes, as types. `schema/nftables-calpol.schema.json` describes the same
 * subset for validators; docs/nftables-json.md lists
 * what nft accepts and what it silently ignores.
 */

export type NftFamily = 'inet';
export type NftChainType = 'filter' | 'nat';
export type NftHook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';
export type NftPolicy = 'accept' | 'drop';

export type NftMetaKey = 'nfproto' | 'l4proto' | 'iifname' | 'oifname' | 'mark';
export type NftPayloadProtocol = 'ip' | 'ip6' | 'th' | 'icmp' | 'icmpv6';
export type NftPayloadField = 'saddr' | 'daddr' | 'sport' | 'dport' | 'type' | 'code';

export interface NftMetaExpr {
  meta: { key: NftMetaKey };
}
export interface NftCtExpr {
  ct: { key: 'state' };
}
export interface NftPayloadExpr {
  payload: { protocol: NftPayloadProtocol; field: NftPayloadField };
}
export interface NftPrefixExpr {
  prefix: { addr: string; len: number };
}
export interface NftRangeExpr {
  range: [number, number];
}
/** Anonymous set: never empty (nft: `Invalid RHS of relational.`). */
export interface NftSetExpr {
  set: NftExpr[];
}
export interface NftConcatExpr {
  concat: NftExpr[];
}
export interface NftAndExpr {
  '&': [NftExpr, NftExpr];
}
export interface NftOrExpr {
  '|': [NftExpr, NftExpr];
}

/** Strings are parsed by the left side's datatype; `@name` refers to a named set or map. */
export type NftExpr =
  | string
  | number
  | NftMetaExpr
  | NftCtExpr
  | NftPayloadExpr
  | NftPrefixExpr
  | NftRangeExpr
  | NftSetExpr
  | NftConcatExpr
  | NftAndExpr
  | NftOrExpr;

/** `in` is used only for calpol's own l4proto dependency (see lower-match.ts). */
export type NftMatchOp = '==' | '!=' | 'in';

export interface NftMatchStatement {
  match: { op: NftMatchOp; left: NftExpr; right: NftExpr };
}
export type NftVerdictStatement =
  | { accept: null }
  | { drop: null }
  | { return: null }
  | { jump: { target: string } }
  | { goto: { target: string } };

export type NftStatement =
  | NftMatchStatement
  | NftVerdictStatement
  | { reject: null }
  | { masquerade: null }
  | { notrack: null }
  | { log: { prefix: string } }
  | { mangle: { key: NftMetaExpr; value: NftExpr } }
  | { vmap: { key: NftMetaExpr; data: string } };

export interface NftTableObject {
  family: NftFamily;
  name: string;
}

/** A base chain has all of type, hook, prio and policy; a regular chain none of them. */
export interface NftChainObject {
  family: NftFamily;
  table: string;
  name: string;
  type?: NftChainType;
  hook?: NftHook;
  prio?: number;
  policy?: NftPolicy;
}

export type NftSetKeyType = 'ipv4_addr' | 'ipv6_addr' | 'inet_proto' | 'inet_service' | 'ifname';

export interface NftSetObject {
  family: NftFamily;
  table: string;
  name: string;
  type: NftSetKeyType | NftSetKeyType[];
  flags?: 'interval'[];
  elem?: NftExpr[];
}

export interface NftMapObject {
  family: NftFamily;
  table: string;
  name: string;
  type: 'ifname';
  map: 'verdict';
  flags?: 'interval'[];
  elem?: [string, NftVerdictStatement][];
}

export interface NftRuleObject {
  family: NftFamily;
  table: string;
  chain: string;
  comment: string;
  expr: NftStatement[];
}

export type NftCommand =
  | { metainfo: { json_schema_version: 1 } }
  | { add: { table: NftTableObject } }
  | { delete: { table: NftTableObject } }
  | { add: { chain: NftChainObject } }
  | { add: { set: NftSetObject } }
  | { add: { map: NftMapObject } }
  | { add: { rule: NftRuleObject } };

/** A document for `nft -j -f`. */
export interface NftDocument {
  nftables: NftCommand[];
}
