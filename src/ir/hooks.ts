import type { TierPlan } from '../tiers/index.js';
import type { ChainFactory } from './chain-factory.js';
import { sortByInterfaceName } from './interface-order.js';
import { ICMPV6_TO_HOST_TYPES, MARK_ACCEPT, type Action, type Chain, type Hook, type InterfaceMap, type Match, type Rule } from './types.js';

export interface DispatchTables {
  fromWorkload: InterfaceMap['entries'];
  toWorkload: InterfaceMap['entries'];
  fromHost: InterfaceMap['entries'];
  toHost: InterfaceMap['entries'];
  forwardFromHost: InterfaceMap['entries'];
  forwardToHost: InterfaceMap['entries'];
  preDnatFromHost: InterfaceMap['entries'];
  untrackedFromHost: InterfaceMap['entries'];
  untrackedToHost: InterfaceMap['entries'];
}

interface HookInput {
  plan: TierPlan;
  factory: ChainFactory;
  maps: Record<keyof DispatchTables, InterfaceMap['entries']>;
  prefixes: string[];
  endpointToHostAction: 'drop' | 'accept' | 'return';
}

const rule = (id: string, matches: Match[], actions: Action[]): Rule => ({ matches, actions, origin: { id: `s:${id}` } });
const established = rule('ct-established', [{ kind: 'ctState', states: ['established', 'related'], negate: false }], [{ kind: 'accept' }]);
const invalid = rule('ct-invalid', [{ kind: 'ctState', states: ['invalid'], negate: false }], [{ kind: 'drop' }]);
const alreadyAccepted = rule('already-accepted', [{ kind: 'mark', mask: MARK_ACCEPT, value: MARK_ACCEPT, negate: false }], [{ kind: 'accept' }]);

const MAP_NAMES: Record<keyof DispatchTables, string> = {
  fromWorkload: 'cp-m-from-wl',
  toWorkload: 'cp-m-to-wl',
  fromHost: 'cp-m-from-hep',
  toHost: 'cp-m-to-hep',
  forwardFromHost: 'cp-m-fwd-from-hep',
  forwardToHost: 'cp-m-fwd-to-hep',
  preDnatFromHost: 'cp-m-prednat-hep',
  untrackedFromHost: 'cp-m-raw-from-hep',
  untrackedToHost: 'cp-m-raw-to-hep',
};

/**
 * The hook chains (base chains) and dispatch chains, after Felix's static chains
 * (felix/rules/static.go):
 *
 * - forward: conntrack; host endpoint forward ingress (unless raw/mangle already
 *   accepted); workload egress (from a workload interface), workload ingress (to one);
 *   host endpoint forward egress. An endpoint chain that allows returns, so a pod-to-pod
 *   packet passes both the source's egress and the destination's ingress chains.
 * - input: conntrack; already accepted by raw/mangle; from a workload: its egress chain,
 *   then DefaultEndpointToHostAction; otherwise the host endpoint's ingress chain.
 * - output: conntrack; already accepted; to a workload: not policed (Felix does not
 *   police host → local workload); otherwise the host endpoint's egress chain.
 * - raw prerouting/output: untracked (doNotTrack) chains; mangle prerouting: pre-DNAT.
 * - nat postrouting: MASQUERADE from natOutgoing pools to destinations outside all pools.
 *
 * Each dispatch happens in its own chain entered with a jump, whose map entries `goto`
 * the endpoint chain: the endpoint chain's return then comes back to the hook chain.
 * A workload interface with no endpoint is dropped ("unknown interface", as Felix).
 */
export function hookChains(input: HookInput): { hooks: Hook[]; maps: InterfaceMap[] } {
  const { factory, maps, prefixes } = input;
  const usedMaps: InterfaceMap[] = [];
  const workloadInterfaces = prefixes.map((prefix) => `${prefix}*`);
  const dispatchChain = (name: string, table: keyof DispatchTables, on: 'inInterface' | 'outInterface', unknown?: Rule): string | undefined => {
    const entries = sortByInterfaceName(maps[table], (entry) => entry.interface);
    if (entries.length === 0 && !unknown) return undefined;
    const rules: Rule[] = [];
    if (entries.length > 0) {
      usedMaps.push({ name: MAP_NAMES[table], entries, origin: { id: `s:map:${table}` } });
      rules.push(rule(`dispatch:${table}`, [], [{ kind: 'dispatch', on, map: MAP_NAMES[table] }]));
    }
    if (unknown) rules.push(unknown);
    factory.add({ name, rules });
    return name;
  };
  const unknownWorkload = (on: 'inInterface' | 'outInterface') =>
    rule(`unknown-workload-interface`, [{ kind: on, names: workloadInterfaces, negate: false }], [{ kind: 'drop' }]);
  const jump = (id: string, matches: Match[], target: string | undefined): Rule[] => (target ? [rule(id, matches, [{ kind: 'jump', target }])] : []);
  const fromWorkload: Match = { kind: 'inInterface', names: workloadInterfaces, negate: false };
  const toWorkload: Match = { kind: 'outInterface', names: workloadInterfaces, negate: false };
  const notAccepted: Match = { kind: 'mark', mask: MARK_ACCEPT, value: 0, negate: false };

  const fromWl = dispatchChain('cp-from-wl', 'fromWorkload', 'inInterface', unknownWorkload('inInterface')) as string;
  const toWl = dispatchChain('cp-to-wl', 'toWorkload', 'outInterface', unknownWorkload('outInterface')) as string;
  const forward: Chain = {
    name: 'cp-forward',
    rules: [
      established,
      invalid,
      ...jump('forward-from-host-endpoint', [notAccepted], dispatchChain('cp-fwd-from-hep', 'forwardFromHost', 'inInterface')),
      ...jump('from-workload', [fromWorkload], fromWl),
      ...jump('to-workload', [toWorkload], toWl),
      ...jump('forward-to-host-endpoint', [], dispatchChain('cp-fwd-to-hep', 'forwardToHost', 'outInterface')),
    ],
  };
  const toHostAction: Action = input.endpointToHostAction === 'drop' ? { kind: 'drop' } : input.endpointToHostAction === 'accept' ? { kind: 'accept' } : { kind: 'return' };
  // Felix lets a workload's IPv6 neighbour discovery and multicast listener messages reach
  // its host before any policy (felix/rules/static.go filterWorkloadToHostChain): without
  // them the node never learns the pod's link-layer address and no IPv6 flow works.
  const neighbourDiscovery = ICMPV6_TO_HOST_TYPES.map((type) =>
    rule(`icmpv6-to-host:${type}`, [{ kind: 'icmp', version: 6, type, negate: false }], [{ kind: 'accept' }]),
  );
  factory.add({
    name: 'cp-wl-to-host',
    rules: [
      ...neighbourDiscovery,
      rule('workload-to-host', [], [{ kind: 'jump', target: fromWl }]),
      rule(`endpoint-to-host-action:${input.endpointToHostAction}`, [], [toHostAction]),
    ],
  });
  const inputChain: Chain = {
    name: 'cp-input',
    rules: [
      established,
      invalid,
      alreadyAccepted,
      rule('from-workload-to-host', [fromWorkload], [{ kind: 'goto', target: 'cp-wl-to-host' }]),
      ...jump('from-host-endpoint', [], dispatchChain('cp-from-hep', 'fromHost', 'inInterface')),
    ],
  };
  const output: Chain = {
    name: 'cp-output',
    rules: [
      established,
      invalid,
      alreadyAccepted,
      rule('host-to-workload', [toWorkload], [{ kind: 'accept' }]),
      ...jump('to-host-endpoint', [], dispatchChain('cp-to-hep', 'toHost', 'outInterface')),
    ],
  };
  for (const chain of [forward, inputChain, output]) factory.add(chain);
  const hooks: Hook[] = [
    { table: 'filter', hook: 'forward', priority: 0, chain: 'cp-forward', policy: 'accept' },
    { table: 'filter', hook: 'input', priority: 0, chain: 'cp-input', policy: 'accept' },
    { table: 'filter', hook: 'output', priority: 0, chain: 'cp-output', policy: 'accept' },
  ];
  const optional: [Hook, Rule[]][] = [
    [{ table: 'raw', hook: 'prerouting', priority: -300, chain: 'cp-raw-pre', policy: 'accept' }, jump('raw-from-host-endpoint', [], dispatchChain('cp-raw-from-hep', 'untrackedFromHost', 'inInterface'))],
    [{ table: 'raw', hook: 'output', priority: -300, chain: 'cp-raw-out', policy: 'accept' }, jump('raw-to-host-endpoint', [], dispatchChain('cp-raw-to-hep', 'untrackedToHost', 'outInterface'))],
    [{ table: 'mangle', hook: 'prerouting', priority: -150, chain: 'cp-mangle-pre', policy: 'accept' }, preDnatRules(dispatchChain('cp-prednat-hep', 'preDnatFromHost', 'inInterface'))],
    [{ table: 'nat', hook: 'postrouting', priority: 100, chain: 'cp-nat-post', policy: 'accept' }, natRules(input)],
  ];
  for (const [hook, rules] of optional) {
    if (rules.length === 0) continue;
    factory.add({ name: hook.chain, rules });
    hooks.push(hook);
  }
  return { hooks, maps: usedMaps };
}

function preDnatRules(dispatch: string | undefined): Rule[] {
  if (!dispatch) return [];
  return [established, alreadyAccepted, rule('prednat-from-host-endpoint', [], [{ kind: 'jump', target: dispatch }])];
}

/**
 * Felix's cali-nat-outgoing: masquerade traffic from a natOutgoing pool to anything
 * outside every pool (felix/rules/nat.go). Disabled pools still count as "inside".
 */
function natRules(input: HookInput): Rule[] {
  const pools = input.plan.policySet.ipPools;
  const rules: Rule[] = [];
  for (const version of [4, 6] as const) {
    const masquerading = pools.filter((pool) => pool.natOutgoing && !pool.disabled).map((pool) => pool.cidr);
    if (!masquerading.some((cidr) => cidr.includes(':') === (version === 6))) continue;
    const source = input.factory.sets.cidrSet('masq-pools', masquerading, version);
    const all = input.factory.sets.cidrSet('all-pools', pools.map((pool) => pool.cidr), version);
    rules.push(
      rule(`nat-outgoing:${version}`, [
        { kind: 'family', version },
        { kind: 'sourceSet', set: source, negate: false },
        { kind: 'destinationSet', set: all, negate: true },
      ], [{ kind: 'masquerade' }]),
    );
  }
  return rules;
}
