import type { Action, Match, Origin, Program, Rule } from '../../../src/ir/index.js';

/**
 * Hand-written IR programs for the nft backend tests: together they use every Match and
 * Action kind, negated and not, both families, every hook table, empty and wildcard
 * cases, and origin ids that need escaping or cutting.
 */

let counter = 0;
const origin = (id: string, extra: Partial<Origin> = {}): Origin => ({ id, ...extra });
const rule = (matches: Match[], actions: Action[], id = `s:test:${counter++}`, extra: Partial<Origin> = {}): Rule => ({
  matches,
  actions,
  origin: origin(id, extra),
});

export const LONG_ID = `p:np/${'very-long-namespace-'.repeat(5)}/${'policy-name-'.repeat(6)}:i:0`;
export const NASTY_IDS = [
  'p:np/default/it"s:i:0',
  'p:np/default/new\nline:e:1',
  'p:gnp/hash#tag;semi:i:2',
  'p:gnp/{braces}:i:3',
  'p:gnp/x -A FORWARD -j ACCEPT:i:4',
  'p:np/défault/ünïcode-🚀:i:5',
  'p:gnp/100%-sure~tilde:e:6',
  `p:np/${'é'.repeat(70)}:i:7`,
];

function matchesRules(): Rule[] {
  return [
    rule([{ kind: 'family', version: 4 }, { kind: 'ctState', states: ['established', 'related'], negate: false }], [{ kind: 'accept' }], 's:ct-established', {}),
    rule([{ kind: 'ctState', states: ['invalid'], negate: false }], [{ kind: 'drop' }]),
    rule([{ kind: 'ctState', states: ['new', 'untracked'], negate: true }, { kind: 'ctState', states: ['established'], negate: true }], [{ kind: 'return' }], 's:test:ct-negated'),
    rule([{ kind: 'inInterface', names: ['eth0'], negate: false }, { kind: 'outInterface', names: ['cali*', 'tunl0'], negate: true }], [{ kind: 'accept' }]),
    rule([{ kind: 'inInterface', names: ['cali*'], negate: true }, { kind: 'outInterface', names: ['eth1'], negate: false }], []),
    rule([{ kind: 'protocol', protocols: [6], negate: false }, { kind: 'destinationPort', ranges: [{ min: 80, max: 80 }], negate: false }], [{ kind: 'accept' }], 'p:np/default/web:i:0', {
      tier: 'default',
      policy: 'np/default/web',
      direction: 'ingress',
      ruleIndex: 0,
      span: { file: 'policy.yaml', line: 12, column: 7 },
    }),
    rule(
      [{ kind: 'sourcePort', ranges: [{ min: 1024, max: 65535 }], negate: false }, { kind: 'destinationPort', ranges: [{ min: 53, max: 53 }, { min: 8000, max: 8080 }], negate: true }],
      [{ kind: 'drop' }],
      's:test:ports-unguarded',
    ),
    rule([{ kind: 'protocol', protocols: [6, 1], negate: false }, { kind: 'destinationPort', ranges: [{ min: 443, max: 443 }], negate: false }], [{ kind: 'accept' }]),
    rule([{ kind: 'protocol', protocols: [6, 17, 132], negate: false }, { kind: 'sourcePort', ranges: [{ min: 0, max: 0 }], negate: true }], [{ kind: 'accept' }]),
    rule([{ kind: 'protocol', protocols: [1, 58], negate: true }], [{ kind: 'reject' }]),
    rule(
      [
        { kind: 'sourceNet', version: 4, nets: ['10.0.0.1'], negate: false },
        { kind: 'destinationNet', version: 4, nets: ['10.1.0.0/16', '192.168.1.7/32', '0.0.0.0/0'], negate: true },
      ],
      [{ kind: 'accept' }],
    ),
    rule([{ kind: 'sourceNet', version: 6, nets: ['fd00::/8', '2001:db8::1'], negate: true }, { kind: 'destinationNet', version: 6, nets: ['::1/128'], negate: false }], [{ kind: 'accept' }]),
    rule([{ kind: 'sourceSet', set: 'cp4s-web', negate: false }, { kind: 'destinationSet', set: 'cp4s-empty', negate: true }], [{ kind: 'jump', target: 'cp-pi-web' }]),
    rule([{ kind: 'sourceSet', set: 'cp6s-web', negate: true }, { kind: 'destinationSet', set: 'cp6s-web', negate: false }], [{ kind: 'goto', target: 'cp-po-web' }]),
    rule([{ kind: 'destinationNamedPort', set: 'cp4n-http', negate: false }], [{ kind: 'accept' }]),
    rule([{ kind: 'sourceNamedPort', set: 'cp6n-http', negate: true }], [{ kind: 'drop' }]),
    rule([{ kind: 'destinationNamedPort', set: 'cp4n-http', negate: true }, { kind: 'sourcePort', ranges: [{ min: 5, max: 5 }], negate: false }], [{ kind: 'drop' }]),
    rule([{ kind: 'icmp', version: 4, type: 8, negate: false }], [{ kind: 'accept' }]),
    rule([{ kind: 'icmp', version: 4, type: 3, code: 4, negate: false }], [{ kind: 'accept' }]),
    rule([{ kind: 'icmp', version: 4, type: 8, negate: true }], [{ kind: 'drop' }]),
    rule([{ kind: 'icmp', version: 4, type: 8, code: 0, negate: true }], [{ kind: 'drop' }], 's:test:icmp-pair-negated'),
    rule([{ kind: 'icmp', version: 6, type: 128, code: 0, negate: false }, { kind: 'icmp', version: 6, type: 1, code: 4, negate: true }], [{ kind: 'accept' }]),
    rule([{ kind: 'icmp', version: 6, type: 135, negate: true }], [{ kind: 'drop' }]),
    rule([{ kind: 'mark', mask: 0x10000, value: 0x10000, negate: false }], [{ kind: 'accept' }], 's:already-accepted'),
    rule([{ kind: 'mark', mask: 0xffffffff, value: 0, negate: true }, { kind: 'mark', mask: 0x30000, value: 0, negate: false }], [{ kind: 'return' }]),
  ];
}

function actionRules(): Rule[] {
  return [
    rule([], [{ kind: 'setMark', mask: 0x10000, value: 0x10000 }, { kind: 'log', prefix: 'calpol-packet: ' }, { kind: 'accept' }]),
    rule([], [{ kind: 'setMark', mask: 0xffffffff, value: 0 }, { kind: 'setMark', mask: 0x30000, value: 0x20000 }]),
    rule([], [{ kind: 'log', prefix: 'weird "prefix"; $x %d\n{}' }, { kind: 'drop' }]),
    rule([], [{ kind: 'dispatch', on: 'inInterface', map: 'cp-m-from-wl' }]),
    rule([], [{ kind: 'dispatch', on: 'outInterface', map: 'cp-m-to-wl' }], 's:dispatch:to-wl'),
    rule([{ kind: 'outInterface', names: ['cali*'], negate: false }], [{ kind: 'drop' }], 's:unknown-workload-interface'),
  ];
}

/** Every match and action kind (except notrack and masquerade, which need raw / nat chains). */
export function everythingProgram(): Program {
  counter = 0;
  return {
    hooks: [
      { table: 'filter', hook: 'forward', priority: 0, chain: 'cp-forward', policy: 'drop' },
      { table: 'filter', hook: 'input', priority: 0, chain: 'cp-input', policy: 'accept' },
      { table: 'raw', hook: 'prerouting', priority: -300, chain: 'cp-raw-pre', policy: 'accept' },
      { table: 'mangle', hook: 'prerouting', priority: -150, chain: 'cp-mangle-pre', policy: 'accept' },
      { table: 'nat', hook: 'postrouting', priority: 100, chain: 'cp-nat-post', policy: 'accept' },
    ],
    chains: [
      { name: 'cp-dispatch', rules: actionRules() },
      { name: 'cp-forward', rules: [...matchesRules(), rule([], [{ kind: 'jump', target: 'cp-dispatch' }])] },
      { name: 'cp-fw-cali1', rules: [rule([], [{ kind: 'return' }], LONG_ID, { policy: 'long' })] },
      { name: 'cp-input', rules: NASTY_IDS.map((id, i) => rule([{ kind: 'mark', mask: 0xff, value: i, negate: false }], [{ kind: 'accept' }], id)) },
      { name: 'cp-mangle-pre', rules: [rule([], [{ kind: 'setMark', mask: 0x10000, value: 0x10000 }], 's:test:set-mark')] },
      { name: 'cp-nat-post', rules: [rule([{ kind: 'family', version: 4 }, { kind: 'sourceSet', set: 'cp4s-web', negate: false }], [{ kind: 'masquerade' }])] },
      { name: 'cp-pi-web', rules: [] },
      { name: 'cp-po-web', rules: [rule([{ kind: 'protocol', protocols: [17], negate: false }], [{ kind: 'accept' }])] },
      { name: 'cp-raw-pre', rules: [rule([{ kind: 'inInterface', names: ['eth0'], negate: false }], [{ kind: 'notrack' }, { kind: 'accept' }])] },
      { name: 'cp-tw-cali1', rules: [rule([], [{ kind: 'drop' }])] },
    ],
    sets: [
      { name: 'cp4s-web', type: 'ipv4', elements: ['10.65.1.10/32', '10.65.2.0/24'], origin: origin('s:set:sel:app == "web"') },
      { name: 'cp4s-empty', type: 'ipv4', elements: [], origin: origin('s:set:empty') },
      { name: 'cp6s-web', type: 'ipv6', elements: ['fd00::/64', 'fd01::1/128'], origin: origin('s:set:v6') },
      { name: 'cp4n-http', type: 'ipv4-named-port', elements: ['10.65.1.10,6,8080', '10.65.1.11,17,53'], origin: origin('s:set:port:http') },
      { name: 'cp6n-http', type: 'ipv6-named-port', elements: ['fd00::/64,6,8080'], origin: origin('s:set:port:http6') },
    ],
    maps: [
      { name: 'cp-m-from-wl', entries: [{ interface: 'cali1', verdict: 'goto', target: 'cp-fw-cali1' }], origin: origin('s:map:fromWorkload') },
      {
        name: 'cp-m-to-wl',
        entries: [
          { interface: 'cali1', verdict: 'goto', target: 'cp-tw-cali1' },
          { interface: 'tap*', verdict: 'jump', target: 'cp-tw-cali1' },
        ],
        origin: origin('s:map:toWorkload'),
      },
    ],
  };
}

/** The smallest program: one hook chain with its policy and no rules, nothing else. */
export function emptyHookProgram(): Program {
  return { hooks: [{ table: 'filter', hook: 'forward', priority: 0, chain: 'cp-forward', policy: 'accept' }], chains: [{ name: 'cp-forward', rules: [] }], sets: [], maps: [] };
}

/** Origins reduced to their ids: what decodeNft gives without a lookup (rules) — sets and maps excepted. */
export function withIdOnlyOrigins(program: Program): Program {
  return {
    ...program,
    chains: program.chains.map((chain) => ({ ...chain, rules: chain.rules.map((r) => ({ ...r, origin: { id: r.origin.id } })) })),
  };
}
