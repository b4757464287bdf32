import type { Action, AddressSet, Chain, Hook, InterfaceMap, Match, Origin, Program, Rule } from '../../../src/ir/index.js';

/**
 * Hand-written IR programs for the iptables backend tests: every Match and Action kind,
 * and each lowering case (several nets, > 15 ports, negated lists, several protocols with
 * ports, several statements, return/goto with helpers, every kind of interface map).
 */

let counter = 0;
export const origin = (id: string, extra: Partial<Origin> = {}): Origin => ({ id, ...extra });
export const rule = (matches: Match[], actions: Action[], id = `s:test:${counter++}`, extra: Partial<Origin> = {}): Rule => ({
  matches,
  actions,
  origin: origin(id, extra),
});

export const LONG_ID = `p:np/${'very-long-namespace-'.repeat(8)}/${'policy-name-'.repeat(10)}:i:0`;
export const NASTY_IDS = [
  'p:np/default/it"s:i:0',
  "p:np/default/single'quote:i:0",
  'p:np/default/new\nline:e:1',
  'p:gnp/hash#tag;semi:i:2',
  'p:gnp/{braces}:i:3',
  'p:gnp/x" -A FORWARD -j ACCEPT:i:4',
  'p:gnp/ -A FORWARD -j ACCEPT:i:4',
  'p:np/défault/ünïcode-🚀:i:5',
  'p:gnp/100%-sure~tilde\\back:e:6',
  `p:np/${'é'.repeat(70)}:i:7`,
];

const net = (kind: 'sourceNet' | 'destinationNet', nets: string[], negate = false): Match => ({
  kind,
  version: nets[0]?.includes(':') ? 6 : 4,
  nets,
  negate,
});
const ports = (kind: 'sourcePort' | 'destinationPort', list: [number, number][], negate = false): Match => ({
  kind,
  ranges: list.map(([min, max]) => ({ min, max })),
  negate,
});
const proto = (protocols: number[], negate = false): Match => ({ kind: 'protocol', protocols, negate });
const iface = (kind: 'inInterface' | 'outInterface', names: string[], negate = false): Match => ({ kind, names, negate });
const mark = (mask: number, value: number, negate = false): Match => ({ kind: 'mark', mask, value, negate });

const ACCEPT_MARK = 0x10000;
const allow: Action[] = [{ kind: 'setMark', mask: ACCEPT_MARK, value: ACCEPT_MARK }, { kind: 'return' }];
/** 20 single ports and 10 ranges: 40 multiport slots. */
const manyPorts: [number, number][] = [
  ...Array.from({ length: 20 }, (_, i): [number, number] => [1000 + 3 * i, 1000 + 3 * i]),
  ...Array.from({ length: 10 }, (_, i): [number, number] => [2000 + 10 * i, 2004 + 10 * i]),
];
const manyNets = Array.from({ length: 20 }, (_, i) => `10.${i}.0.0/16`);

function matchRules(): Rule[] {
  return [
    rule([{ kind: 'ctState', states: ['established', 'related'], negate: false }], [{ kind: 'accept' }], 's:ct-established'),
    rule([{ kind: 'ctState', states: ['invalid'], negate: false }], [{ kind: 'drop' }]),
    rule([{ kind: 'ctState', states: ['new', 'untracked'], negate: true }, { kind: 'ctState', states: ['established'], negate: true }], [{ kind: 'return' }]),
    rule([iface('inInterface', ['eth0']), iface('outInterface', ['cali*', 'tunl0'], true)], [{ kind: 'accept' }]),
    rule([iface('inInterface', ['cali*'], true), iface('outInterface', ['eth1'])], []),
    rule([proto([6]), ports('destinationPort', [[80, 80]])], [{ kind: 'accept' }], 'p:np/default/web:i:0', {
      tier: 'default',
      policy: 'np/default/web',
      direction: 'ingress',
      ruleIndex: 0,
      span: { file: 'policy.yaml', line: 12, column: 7 },
    }),
    rule([ports('sourcePort', [[1024, 65535]]), ports('destinationPort', [[53, 53], [8000, 8080]], true)], [{ kind: 'drop' }], 's:test:ports-without-protocol'),
    rule([proto([6, 1]), ports('destinationPort', [[443, 443]])], [{ kind: 'accept' }]),
    rule([proto([6, 17, 132]), ports('sourcePort', [[0, 0]], true)], [{ kind: 'accept' }]),
    rule([proto([1, 58], true)], [{ kind: 'reject' }]),
    rule([proto([47])], [{ kind: 'reject' }]),
    rule([net('sourceNet', ['10.0.0.1']), net('destinationNet', ['10.1.0.0/16', '192.168.1.7/32', '172.16.0.0/12'], true)], [{ kind: 'accept' }]),
    rule([net('sourceNet', ['fd00::/8', '2001:db8::1'], true), net('destinationNet', ['::1/128'])], [{ kind: 'accept' }]),
    rule([{ kind: 'sourceSet', set: 'cp4s-web', negate: false }, { kind: 'destinationSet', set: 'cp4s-empty', negate: true }], [{ kind: 'jump', target: 'cp-pi-web' }]),
    rule([{ kind: 'sourceSet', set: 'cp6s-web', negate: true }, { kind: 'destinationSet', set: 'cp6s-web', negate: false }], [{ kind: 'goto', target: 'cp-po-web' }]),
    rule([{ kind: 'destinationNamedPort', set: 'cp4n-http', negate: false }], [{ kind: 'accept' }]),
    rule([{ kind: 'sourceNamedPort', set: 'cp6n-http', negate: true }], [{ kind: 'drop' }]),
    rule([{ kind: 'destinationNamedPort', set: 'cp4n-http', negate: true }, ports('sourcePort', [[5, 5]])], [{ kind: 'drop' }]),
    rule([{ kind: 'icmp', version: 4, type: 8, negate: false }], [{ kind: 'accept' }]),
    rule([{ kind: 'icmp', version: 4, type: 3, code: 4, negate: false }], [{ kind: 'accept' }]),
    rule([{ kind: 'icmp', version: 4, type: 8, code: 0, negate: true }], [{ kind: 'drop' }], 's:test:icmp-pair-negated'),
    rule([{ kind: 'icmp', version: 6, type: 128, code: 0, negate: false }, { kind: 'icmp', version: 6, type: 1, code: 4, negate: true }], [{ kind: 'accept' }]),
    rule([{ kind: 'family', version: 6 }, proto([6])], [{ kind: 'accept' }], 's:test:family-6'),
    rule([{ kind: 'family', version: 4 }, proto([6])], [{ kind: 'accept' }], 's:test:family-4'),
    rule([mark(ACCEPT_MARK, ACCEPT_MARK)], [{ kind: 'accept' }], 's:already-accepted'),
    rule([mark(0xffff, 0, true), mark(0x30000, 0)], [{ kind: 'return' }]),
  ];
}

/** The lowering cases: each needs several rules, helper chains or the flag bit. */
function loweringRules(): Rule[] {
  return [
    rule([net('sourceNet', manyNets.slice(0, 3))], allow, 'p:gnp/three-nets:i:0'),
    rule([net('sourceNet', manyNets), net('destinationNet', ['192.168.0.0/24', '192.168.1.0/24'])], allow, 'p:gnp/net-product:i:1'),
    rule([proto([6]), ports('destinationPort', manyPorts)], allow, 'p:gnp/many-ports:i:2'),
    rule([proto([6]), ports('destinationPort', manyPorts, true)], [{ kind: 'drop' }], 'p:gnp/many-not-ports:i:3'),
    rule([proto([6, 17]), ports('destinationPort', [[53, 53]])], allow, 'p:gnp/tcp-and-udp:i:4'),
    rule([net('sourceNet', ['10.0.0.0/8']), net('sourceNet', ['10.1.0.0/16', '10.2.0.0/16'], true)], allow, 'p:gnp/net-except:i:5'),
    rule([net('destinationNet', ['10.1.0.0/16', '10.2.0.0/16'], true)], [{ kind: 'log', prefix: 'calico-packet' }], 'p:gnp/log-not-nets:i:6'),
    rule([iface('inInterface', ['eth0', 'eth1', 'cali*', 'calia'])], [{ kind: 'log', prefix: 'iface ' }]),
    rule([iface('outInterface', ['eth0', 'eth1'], true)], [{ kind: 'setMark', mask: 0x20000, value: 0x20000 }, { kind: 'return' }], 'p:gnp/pass-not-ifaces:i:7'),
    rule([proto([6, 17], true), proto([1, 47, 6])], [{ kind: 'jump', target: 'cp-pi-web' }]),
    rule([net('sourceNet', manyNets), net('destinationNet', manyNets.slice(5)), proto([6]), ports('destinationPort', manyPorts)], [{ kind: 'goto', target: 'cp-po-web' }]),
    rule([net('sourceNet', manyNets), net('destinationNet', manyNets.slice(5))], [{ kind: 'log', prefix: 'product' }]),
    rule([mark(0x20000, 0)], [{ kind: 'setMark', mask: 0x10000, value: 0x10000 }, { kind: 'log', prefix: 'x' }, { kind: 'jump', target: 'cp-pi-web' }]),
    rule([], [{ kind: 'setMark', mask: 0, value: 0x40000 }, { kind: 'setMark', mask: 0x40000, value: 0 }]),
    rule([net('sourceNet', ['10.0.0.0/8', '10.1.0.0/16'])], [{ kind: 'log', prefix: 'nested nets' }]),
    rule([net('sourceNet', ['10.0.0.0/8']), net('sourceNet', ['11.0.0.0/8'])], [{ kind: 'drop' }], 's:test:never'),
    rule([proto([6]), { kind: 'icmp', version: 4, type: 8, negate: false }], [{ kind: 'drop' }], 's:test:never-2'),
  ];
}

function statementRules(): Rule[] {
  return [
    rule([], [{ kind: 'setMark', mask: ACCEPT_MARK, value: ACCEPT_MARK }, { kind: 'log', prefix: 'calpol-packet: ' }, { kind: 'accept' }]),
    rule([], [{ kind: 'log', prefix: 'weird "prefix"; $x %d\n{} and much too long for the kernel' }, { kind: 'drop' }]),
    rule([], [{ kind: 'dispatch', on: 'inInterface', map: 'cp-m-from-wl' }], 's:dispatch:from-wl'),
    rule([], [{ kind: 'dispatch', on: 'outInterface', map: 'cp-m-to-wl' }], 's:dispatch:to-wl'),
    rule([mark(ACCEPT_MARK, 0)], [{ kind: 'dispatch', on: 'inInterface', map: 'cp-m-jump' }], 's:dispatch:jump'),
    rule([net('sourceNet', ['10.0.0.0/8', '11.0.0.0/8'], true)], [{ kind: 'dispatch', on: 'inInterface', map: 'cp-m-from-wl' }], 's:dispatch:flag'),
    rule([], [{ kind: 'setMark', mask: 0x40000, value: 0x40000 }, { kind: 'dispatch', on: 'inInterface', map: 'cp-m-from-wl' }], 's:dispatch:statement'),
    rule([], [{ kind: 'dispatch', on: 'inInterface', map: 'cp-m-empty' }]),
    rule([iface('outInterface', ['cali*'])], [{ kind: 'drop' }], 's:unknown-workload-interface'),
  ];
}

const hooks: Hook[] = [
  { table: 'filter', hook: 'forward', priority: 0, chain: 'cp-forward', policy: 'drop' },
  { table: 'filter', hook: 'input', priority: 0, chain: 'cp-input', policy: 'accept' },
  { table: 'raw', hook: 'prerouting', priority: -300, chain: 'cp-raw-pre', policy: 'accept' },
  { table: 'mangle', hook: 'prerouting', priority: -150, chain: 'cp-mangle-pre', policy: 'accept' },
  { table: 'nat', hook: 'postrouting', priority: 100, chain: 'cp-nat-post', policy: 'accept' },
];

const sets: AddressSet[] = [
  { name: 'cp4s-web', type: 'ipv4', elements: ['10.65.1.10/32', '10.65.2.0/24'], origin: origin('s:set:sel:app == "web"') },
  { name: 'cp4s-empty', type: 'ipv4', elements: [], origin: origin('s:set:empty') },
  { name: 'cp4s-all', type: 'ipv4', elements: ['0.0.0.0/0'], origin: origin('s:set:all') },
  { name: 'cp6s-web', type: 'ipv6', elements: ['fd00::/64', 'FD01:0:0::1/128'], origin: origin('s:set:v6') },
  { name: 'cp4n-http', type: 'ipv4-named-port', elements: ['10.65.1.10,6,8080', '10.65.1.11,17,53', '10.65.1.12,1,0', '10.65.3.0/24,132,9'], origin: origin('s:set:port:http') },
  { name: 'cp6n-http', type: 'ipv6-named-port', elements: ['fd00::1,6,8080', 'fd00:0::2,136,53'], origin: origin('s:set:port:http6') },
];

const maps: InterfaceMap[] = [
  {
    name: 'cp-m-from-wl',
    entries: [
      { interface: 'cali*', verdict: 'goto', target: 'cp-tw-cali1' },
      { interface: 'cali1', verdict: 'goto', target: 'cp-fw-cali1' },
    ],
    origin: origin('s:map:fromWorkload'),
  },
  {
    name: 'cp-m-to-wl',
    entries: [
      { interface: 'cali1', verdict: 'goto', target: 'cp-tw-cali1' },
      { interface: 'tap*', verdict: 'jump', target: 'cp-tw-cali1' },
      { interface: 'ta*', verdict: 'goto', target: 'cp-fw-cali1' },
    ],
    origin: origin('s:map:toWorkload'),
  },
  { name: 'cp-m-jump', entries: [{ interface: 'eth*', verdict: 'jump', target: 'cp-fw-cali1' }, { interface: 'eth0', verdict: 'jump', target: 'cp-tw-cali1' }], origin: origin('s:map:jump') },
  { name: 'cp-m-empty', entries: [], origin: origin('s:map:empty') },
];

/** Every match and action kind, and every lowering case. */
export function everythingProgram(): Program {
  counter = 0;
  const chains: Chain[] = [
    { name: 'cp-dispatch', rules: statementRules() },
    { name: 'cp-forward', rules: [...matchRules(), ...loweringRules(), rule([], [{ kind: 'jump', target: 'cp-dispatch' }])] },
    { name: 'cp-fw-cali1', rules: [rule([], [{ kind: 'return' }], LONG_ID, { policy: 'long' })] },
    { name: 'cp-input', rules: NASTY_IDS.map((id, i) => rule([mark(0xff, i)], [{ kind: 'accept' }], id)) },
    { name: 'cp-mangle-pre', rules: [rule([], [{ kind: 'setMark', mask: ACCEPT_MARK, value: ACCEPT_MARK }], 's:test:set-mark')] },
    { name: 'cp-nat-post', rules: [rule([{ kind: 'sourceSet', set: 'cp4s-web', negate: false }, { kind: 'destinationSet', set: 'cp4s-all', negate: false }, net('destinationNet', ['10.65.0.0/16'], true)], [{ kind: 'masquerade' }])] },
    { name: 'cp-pi-web', rules: [] },
    { name: 'cp-po-web', rules: [rule([proto([17])], [{ kind: 'accept' }])] },
    {
      name: 'cp-raw-pre',
      rules: [
        rule([iface('inInterface', ['eth0'])], [{ kind: 'setMark', mask: ACCEPT_MARK, value: ACCEPT_MARK }, { kind: 'notrack' }, { kind: 'return' }]),
        rule([iface('inInterface', ['eth1', 'eth2'])], [{ kind: 'notrack' }]),
      ],
    },
    { name: 'cp-tw-cali1', rules: [rule([], [{ kind: 'drop' }])] },
    { name: 'cp-unused', rules: [rule([], [{ kind: 'drop' }])] },
  ];
  return { hooks, chains, sets, maps };
}

/** The smallest program: one hook chain with no rules. */
export function emptyHookProgram(): Program {
  return { hooks: [{ table: 'filter', hook: 'forward', priority: 0, chain: 'cp-forward', policy: 'accept' }], chains: [{ name: 'cp-forward', rules: [] }], sets: [], maps: [] };
}
