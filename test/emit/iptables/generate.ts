import fc from 'fast-check';
import type { Action, AddressSet, Chain, CtState, InterfaceMap, Match, Program, Rule } from '../../../src/ir/index.js';

/**
 * Random IR programs for property tests: every match kind (negated or not, with small
 * value pools so that rules overlap and do match), every action kind, several statements,
 * jumps and gotos along a fixed DAG of chains, interface maps with jump and goto entries,
 * address and named-port sets of both families.
 */

const INTERFACES = ['eth0', 'eth1', 'cali1', 'cali2', 'cali*', 'ca*', 'tap0', '*'];
const NETS4 = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '10.1.2.3/32', '192.168.0.0/16', '10.2.0.0/15', '0.0.0.0/0'];
const NETS6 = ['fd00::/8', 'fd00:1::/32', 'fd00:1::3/128', '2001:db8::/32', '::/0'];
const PROTOCOLS = [1, 6, 17, 58, 132, 136, 47];
const STATES: CtState[] = ['new', 'established', 'related', 'invalid', 'untracked'];
/** Targets each chain may jump or go to (a DAG, as iptables and nft require). */
const TARGETS: Record<string, string[]> = { h: ['c1', 'c2', 'c3'], c1: ['c2', 'c3'], c2: ['c3'], c3: [], r: [] };

const negate = fc.boolean();
const subset = <T>(pool: readonly T[], max = 3) => fc.uniqueArray(fc.constantFrom(...pool), { minLength: 0, maxLength: max });
const nonEmptySubset = <T>(pool: readonly T[], max = 3) => fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: max });
const range = fc.tuple(fc.integer({ min: 0, max: 110 }), fc.integer({ min: 0, max: 12 })).map(([min, width]) => ({ min, max: min + width }));
/** Sometimes long lists, to need more than 15 multiport slots. */
const ranges = fc.oneof(fc.array(range, { minLength: 1, maxLength: 4 }), fc.array(fc.integer({ min: 0, max: 120 }).map((p) => ({ min: p, max: p })), { minLength: 14, maxLength: 24 }));

const matchArb: fc.Arbitrary<Match> = fc.oneof(
  fc.constantFrom(4, 6).map((version): Match => ({ kind: 'family', version: version as 4 | 6 })),
  fc.record({ states: nonEmptySubset(STATES), negate }).map((m): Match => ({ kind: 'ctState', ...m })),
  fc.record({ kind: fc.constantFrom('inInterface', 'outInterface'), names: nonEmptySubset(INTERFACES), negate }).map((m) => m as Match),
  fc.record({ protocols: nonEmptySubset(PROTOCOLS), negate }).map((m): Match => ({ kind: 'protocol', ...m })),
  fc.record({ kind: fc.constantFrom('sourceNet', 'destinationNet'), nets: subset(NETS4, 4), negate }).map((m) => ({ ...m, version: 4 }) as Match),
  fc.record({ kind: fc.constantFrom('sourceNet', 'destinationNet'), nets: nonEmptySubset(NETS6), negate }).map((m) => ({ ...m, version: 6 }) as Match),
  fc.record({ kind: fc.constantFrom('sourceSet', 'destinationSet'), set: fc.constantFrom('s4', 's6'), negate }).map((m) => m as Match),
  fc.record({ kind: fc.constantFrom('sourceNamedPort', 'destinationNamedPort'), set: fc.constantFrom('n4', 'n6'), negate }).map((m) => m as Match),
  fc.record({ kind: fc.constantFrom('sourcePort', 'destinationPort'), ranges, negate }).map((m) => m as Match),
  fc.record({ version: fc.constantFrom(4, 6), type: fc.constantFrom(0, 3, 8, 128), code: fc.option(fc.constantFrom(0, 1), { nil: undefined }), negate }).map(
    ({ code, ...m }): Match => (code === undefined ? { kind: 'icmp', ...m, version: m.version as 4 | 6 } : { kind: 'icmp', ...m, version: m.version as 4 | 6, code }),
  ),
  fc.record({ mask: fc.constantFrom(0x1, 0x2, 0x3, 0x10000), value: fc.constantFrom(0, 0x1, 0x2, 0x10000), negate }).map((m): Match => ({ kind: 'mark', ...m })),
);

const statementArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ mask: fc.constantFrom(0x1, 0x2, 0x3, 0x10000), value: fc.constantFrom(0, 0x1, 0x2, 0x10000) }).map((m): Action => ({ kind: 'setMark', ...m })),
  fc.constantFrom('a', 'b c', 'x"y').map((prefix): Action => ({ kind: 'log', prefix })),
);

function verdictArb(chain: string): fc.Arbitrary<Action | undefined> {
  const targets = TARGETS[chain] ?? [];
  // REJECT exists in the filter table only.
  const plain: (Action | undefined)[] = [undefined, { kind: 'accept' }, { kind: 'drop' }, { kind: 'return' }, ...(chain === 'r' ? [] : [{ kind: 'reject' } as const])];
  const options: fc.Arbitrary<Action | undefined>[] = [fc.constantFrom(...plain)];
  if (targets.length > 0) {
    options.push(fc.constantFrom(...targets).map((target): Action => ({ kind: 'jump', target })));
    options.push(fc.constantFrom(...targets).map((target): Action => ({ kind: 'goto', target })));
  }
  if (chain === 'h') options.push(fc.constantFrom('mj', 'mg', 'mx').map((map): Action => ({ kind: 'dispatch', on: 'inInterface', map })));
  if (chain === 'h') options.push(fc.constantFrom('mj', 'mg', 'mx').map((map): Action => ({ kind: 'dispatch', on: 'outInterface', map })));
  return fc.oneof(...options);
}

function ruleArb(chain: string, index: number): fc.Arbitrary<Rule> {
  const statements = chain === 'r' ? fc.array(fc.oneof(statementArb, fc.constant<Action>({ kind: 'notrack' })), { maxLength: 2 }) : fc.array(statementArb, { maxLength: 2 });
  return fc.record({ matches: fc.array(matchArb, { maxLength: 4 }), statements, verdict: verdictArb(chain) }).map(({ matches, statements: s, verdict }) => ({
    matches,
    actions: verdict ? [...s, verdict] : s,
    origin: { id: `p:gen/${chain}:${index}` },
  }));
}

const chainArb = (name: string): fc.Arbitrary<Chain> =>
  fc.integer({ min: 0, max: 6 }).chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => ruleArb(name, i))).map((rules) => ({ name, rules })));

const entryArb = (verdicts: ('jump' | 'goto')[]) =>
  fc.record({ interface: fc.constantFrom(...INTERFACES), verdict: fc.constantFrom(...verdicts), target: fc.constantFrom('c1', 'c2', 'c3') });

function mapArb(name: string, verdicts: ('jump' | 'goto')[]): fc.Arbitrary<InterfaceMap> {
  return fc.uniqueArray(entryArb(verdicts), { maxLength: 4, selector: (e) => e.interface }).map((entries) => ({ name, entries, origin: { id: `s:map:${name}` } }));
}

const SETS: AddressSet[] = [
  { name: 's4', type: 'ipv4', elements: ['10.1.2.0/24', '192.168.7.7/32'], origin: { id: 's:set:s4' } },
  { name: 's6', type: 'ipv6', elements: ['fd00:1::/64'], origin: { id: 's:set:s6' } },
  { name: 'n4', type: 'ipv4-named-port', elements: ['10.1.2.3,6,5', '10.1.2.3,17,7', '192.168.7.7,6,100'], origin: { id: 's:set:n4' } },
  { name: 'n6', type: 'ipv6-named-port', elements: ['fd00:1::3,6,5'], origin: { id: 's:set:n6' } },
];

export const programArb: fc.Arbitrary<Program> = fc
  .record({
    h: chainArb('h'),
    c1: chainArb('c1'),
    c2: chainArb('c2'),
    c3: chainArb('c3'),
    r: chainArb('r'),
    policy: fc.constantFrom('accept', 'drop'),
    mj: mapArb('mj', ['jump']),
    mg: mapArb('mg', ['goto']),
    mx: mapArb('mx', ['jump', 'goto']),
  })
  .map(({ h, c1, c2, c3, r, policy, mj, mg, mx }) => ({
    hooks: [
      { table: 'raw', hook: 'prerouting', priority: -300, chain: 'r', policy: 'accept' },
      { table: 'filter', hook: 'forward', priority: 0, chain: 'h', policy: policy as 'accept' | 'drop' },
    ],
    chains: [h, c1, c2, c3, r],
    sets: SETS,
    maps: [mj, mg, mx],
  }));
