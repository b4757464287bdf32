import { parsePrefix, type Inventory, type PolicySet, type Prefix } from '../model/index.js';
import { bareAddress, type NodePlan } from './flow-plan.js';
import { canonicalAddress, familyOf, reservedAddressProblem } from './topology.js';

/**
 * The flows verify checks when no flow file is given: every ordered pair of the lab
 * node's ends — its pods, its host endpoints and a few outside addresses — in each IP
 * family both ends have, on each given TCP/UDP port and as an ICMP echo. Outside addresses
 * are one default per family plus a host inside each of the first nets the policies
 * name, so net rules are exercised from both sides. Pairs of two outside addresses or two
 * host endpoints are left out (they never cross the node as one traversal). When there
 * are more flows than `limit`, an evenly spread sample of `limit` is kept.
 */

export interface FlowRequest {
  src: string;
  dst: string;
  protocol: 'TCP' | 'UDP' | 'ICMP' | 'ICMPv6';
  port?: number;
}

export interface PortProbe {
  protocol: 'tcp' | 'udp';
  port: number;
}

export interface DefaultFlows {
  flows: FlowRequest[];
  /** How many flows there were before sampling. */
  total: number;
}

export const DEFAULT_MAX_FLOWS = 1000;
const DEFAULT_OUTSIDE: Record<4 | 6, string[]> = { 4: ['203.0.113.10', '198.18.0.10'], 6: ['2001:db8:ffff::10', '2001:db8:fffe::10'] };
const NETS_PER_FAMILY = 3;

interface End {
  address: string;
  kind: 'pod' | 'host' | 'outside';
}

function hostInside(prefix: Prefix): string {
  const bits = prefix.version === 4 ? 32 : 128;
  const value = prefix.length < bits - 1 ? prefix.value + 1n : prefix.value;
  if (prefix.version === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return canonicalAddress(groups.join(':')) as string;
}

/** Positive nets of policy rules and network sets, in model order. */
function policyNets(policySet: PolicySet): string[] {
  const rules = policySet.policies.flatMap((policy) => [...policy.ingress, ...policy.egress]);
  return [...rules.flatMap((rule) => [...rule.source.nets, ...rule.destination.nets]), ...policySet.networkSets.flatMap((set) => set.nets)];
}

function outsideEnds(policySet: PolicySet, inventory: Inventory): End[] {
  const taken = new Set(inventory.endpoints.flatMap((e) => e.addresses.map((a) => canonicalAddress(bareAddress(a)))));
  const chosen: Record<4 | 6, string[]> = { 4: [], 6: [] };
  const offer = (address: string, limit: number) => {
    const family = familyOf(address);
    const canonical = canonicalAddress(address);
    if (family === undefined || canonical === undefined || taken.has(canonical) || reservedAddressProblem(canonical)) return;
    if (chosen[family].length >= limit || chosen[family].includes(canonical)) return;
    chosen[family].push(canonical);
  };
  for (const family of [4, 6] as const) for (const address of DEFAULT_OUTSIDE[family]) offer(address, 1);
  for (const net of policyNets(policySet)) {
    const prefix = parsePrefix(net);
    if (prefix) offer(hostInside(prefix), 1 + NETS_PER_FAMILY);
  }
  return [...chosen[4], ...chosen[6]].map((address) => ({ address, kind: 'outside' }));
}

function nodeEnds(plan: NodePlan): End[] {
  const ends: End[] = [];
  for (const [kind, list] of [['pod', plan.workloads], ['host', plan.hostEndpoints]] as const) {
    for (const end of list) {
      if (end.ipv4 !== undefined) ends.push({ address: end.ipv4, kind });
      if (end.ipv6 !== undefined) ends.push({ address: end.ipv6, kind });
    }
  }
  return ends;
}

function evenSample<T>(items: T[], limit: number): T[] {
  if (items.length <= limit) return items;
  return Array.from({ length: limit }, (_, i) => items[Math.floor((i * items.length) / limit)] as T);
}

export function defaultFlows(policySet: PolicySet, inventory: Inventory, plan: NodePlan, ports: readonly PortProbe[], limit = DEFAULT_MAX_FLOWS): DefaultFlows {
  const ends = [...nodeEnds(plan), ...outsideEnds(policySet, inventory)];
  const flows: FlowRequest[] = [];
  for (const source of ends) {
    for (const destination of ends) {
      const family = familyOf(source.address);
      if (source === destination || family !== familyOf(destination.address)) continue;
      if (source.kind === destination.kind && source.kind !== 'pod') continue;
      const pair = { src: source.address, dst: destination.address };
      for (const { protocol, port } of ports) flows.push({ ...pair, protocol: protocol === 'tcp' ? 'TCP' : 'UDP', port });
      flows.push({ ...pair, protocol: family === 4 ? 'ICMP' : 'ICMPv6' });
    }
  }
  return { flows: evenSample(flows, limit), total: flows.length };
}
