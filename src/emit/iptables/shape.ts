import type { Match, PortRange } from '../../ir/index.js';
import { formatCidr, type Cidr } from './cidr.js';
import type { Conjunction, Field } from './conjunction.js';
import { chunkRanges } from './ports.js';

/**
 * The shape of a canonical conjunction in flat rules: one branch per candidate protocol
 * (branches exclude each other), and per branch the single-value matches, the OR blocks
 * (pairwise exclusive alternatives) and the negated alternatives.
 */

/** OR blocks are combined inline, one rule per combination, up to this many rules. */
export const INLINE_LIMIT = 16;

export interface Branch {
  inline: Match[];
  /** Each block: alternatives (each a list of matches); the condition needs one of each block. */
  blocks: Match[][][];
  /** The condition fails when any of these holds. */
  negated: Match[][];
}

export interface Shape {
  /** The matches of each rule written in the chain itself (inline matches × the inline blocks). */
  combinations: Match[][];
  /** Further blocks, each a helper chain. */
  chained: Match[][][];
  negated: Match[][];
}

function netMatch(kind: 'sourceNet' | 'destinationNet', cidr: Cidr, negate: boolean): Match {
  return { kind, version: cidr.version, nets: [formatCidr(cidr)], negate };
}

/** One value positive: inline; several: a block; one negated (and no positive): inline; else negated alternatives. */
function addField<T>(branch: Branch, field: Field<T>, toMatch: (item: T, negate: boolean) => Match): void {
  const positive = field.positive;
  if (positive && positive.length === 1) branch.inline.push(toMatch(positive[0] as T, false));
  else if (positive) branch.blocks.push(positive.map((item) => [toMatch(item, false)]));
  if (!positive && field.negated.length === 1) branch.inline.push(toMatch(field.negated[0] as T, true));
  else branch.negated.push(...field.negated.map((item) => [toMatch(item, false)]));
}

/** Ports: ≤ 15 slots inline, more an OR block of multiport chunks (each with its -p); negated chunks all inline (they AND). */
function addPorts(branch: Branch, kind: 'sourcePort' | 'destinationPort', field: Field<PortRange>, protocol: number | undefined): void {
  if (field.positive) {
    const chunks = chunkRanges(field.positive);
    if (chunks.length === 1) branch.inline.push({ kind, ranges: chunks[0] as PortRange[], negate: false });
    else {
      const protocolMatch: Match = { kind: 'protocol', protocols: [protocol as number], negate: false };
      branch.blocks.push(chunks.map((ranges) => [protocolMatch, { kind, ranges, negate: false }]));
    }
  }
  for (const ranges of chunkRanges(field.negated)) branch.inline.push({ kind, ranges, negate: true });
}

export function branchesOf(c: Conjunction): Branch[] {
  const choices: (number | undefined)[] = 'only' in c.protocols ? c.protocols.only : [undefined];
  return choices.map((protocol) => {
    const branch: Branch = { inline: [], blocks: [], negated: [] };
    if (protocol !== undefined) branch.inline.push({ kind: 'protocol', protocols: [protocol], negate: false });
    else {
      const except = 'except' in c.protocols ? c.protocols.except : [];
      addField(branch, { negated: except }, (p, negate) => ({ kind: 'protocol', protocols: [p], negate }));
    }
    addField(branch, c.sourceNet, (cidr, negate) => netMatch('sourceNet', cidr, negate));
    addField(branch, c.destinationNet, (cidr, negate) => netMatch('destinationNet', cidr, negate));
    addField(branch, c.inInterface, (name, negate) => ({ kind: 'inInterface', names: [name], negate }));
    addField(branch, c.outInterface, (name, negate) => ({ kind: 'outInterface', names: [name], negate }));
    addPorts(branch, 'sourcePort', c.sourcePort, protocol);
    addPorts(branch, 'destinationPort', c.destinationPort, protocol);
    branch.inline.push(...c.others);
    return branch;
  });
}

/** `matches` without repeats (a port chunk's `-p` is already inline). */
function unique(matches: readonly Match[]): Match[] {
  const seen = new Set<string>();
  return matches.filter((m) => {
    const key = JSON.stringify(m);
    return !seen.has(key) && seen.add(key);
  });
}

function cartesian(blocks: readonly Match[][][]): Match[][] {
  return blocks.reduce<Match[][]>((combos, block) => combos.flatMap((combo) => block.map((alt) => [...combo, ...alt])), [[]]);
}

/** All blocks inline when their product is ≤ INLINE_LIMIT; otherwise the first inline, the rest chained. */
export function shapeOf(branch: Branch): Shape {
  const product = branch.blocks.reduce((n, block) => Math.min(n * block.length, INLINE_LIMIT + 1), 1);
  const inline = product <= INLINE_LIMIT ? branch.blocks : branch.blocks.slice(0, 1);
  return {
    combinations: cartesian(inline).map((combo) => unique([...branch.inline, ...combo])),
    chained: product <= INLINE_LIMIT ? [] : branch.blocks.slice(1),
    negated: branch.negated,
  };
}

/** Canonical match order: iptables-save's (-s -d -i -o -p), then the match modules. */
const MATCH_RANK: Record<Match['kind'], number> = {
  family: 0, sourceNet: 1, destinationNet: 2, inInterface: 3, outInterface: 4, protocol: 5, ctState: 6, mark: 7,
  sourceSet: 8, sourcePort: 9, sourceNamedPort: 10, destinationSet: 11, destinationPort: 12, destinationNamedPort: 13, icmp: 14,
};

export function sortMatches(matches: readonly Match[]): Match[] {
  return [...matches].sort((a, b) => MATCH_RANK[a.kind] - MATCH_RANK[b.kind]);
}
