import type { Endpoint, Inventory, Policy, PolicySet, Profile, Tier, TierDefaultAction } from '../model/index.js';
import { defaultFailsafe, type FailsafeConfig } from './failsafe.js';
import { MembershipIndex } from './membership.js';
import { comparePolicies, compareTiers, type TieBreak } from './order.js';

export type Direction = 'ingress' | 'egress';

/**
 * Which of an endpoint's chains a plan is for. Workload endpoints only have `normal`
 * chains. Host endpoints have four (felix/calc/event_sequencer.go tierInfoToProtoTierInfo):
 * - `untracked`: doNotTrack policies (raw table), default Pass, no end-of-tier drop;
 * - `preDNAT`: preDNAT policies, ingress only (mangle), default Pass, no end-of-tier drop;
 * - `forward`: applyOnForward policies, for traffic forwarded through the host;
 * - `normal`: every other policy, for traffic to and from host processes.
 */
export type ChainKind = 'normal' | 'forward' | 'preDNAT' | 'untracked';

export interface PlanOptions {
  tieBreak?: TieBreak;
  failsafe?: FailsafeConfig;
}

export interface OrderedTier {
  tier: Tier;
  /** Every policy of the tier (staged ones included), in evaluation order. */
  policies: Policy[];
}

export interface TierPlan {
  policySet: PolicySet;
  inventory: Inventory;
  /** Tiers in evaluation order, each with its policies in order. */
  tiers: OrderedTier[];
  profiles: ReadonlyMap<string, Profile>;
  /** Selector membership over `inventory.endpoints` followed by `policySet.networkSets`. */
  membership: MembershipIndex;
  tieBreak: TieBreak;
  failsafe: FailsafeConfig;
}

export interface AppliedTier {
  tier: Tier;
  /** What happens when no policy of the tier decides: Pass for untracked and preDNAT chains. */
  defaultAction: TierDefaultAction;
  /** Policies that select the endpoint and govern the direction, in order (staged included). */
  policies: Policy[];
  /** Whether the tier ends in a drop: it has an enforced policy here and its default is Deny. */
  endOfTierDrop: boolean;
}

export interface ProfileStep {
  name: string;
  /** Undefined when the endpoint names a profile that no resource defines (it then allows nothing). */
  profile?: Profile;
}

export interface EndpointPlan {
  endpoint: Endpoint;
  direction: Direction;
  chain: ChainKind;
  /** Only the tiers that apply (≥1 policy selects the endpoint for this direction). */
  tiers: AppliedTier[];
  /** Profiles, in the endpoint's order; only normal chains have them. */
  profiles: ProfileStep[];
}

export function buildTierPlan(policySet: PolicySet, inventory: Inventory, options: PlanOptions = {}): TierPlan {
  const tieBreak = options.tieBreak ?? 'calpol';
  const byTier = new Map<string, Policy[]>();
  for (const policy of policySet.policies) {
    let list = byTier.get(policy.tier);
    if (!list) byTier.set(policy.tier, (list = []));
    list.push(policy);
  }
  const order = comparePolicies(tieBreak);
  const tiers = [...policySet.tiers]
    .sort(compareTiers)
    .map((tier) => ({ tier, policies: [...(byTier.get(tier.name) ?? [])].sort(order) }));
  const labelled = [...inventory.endpoints, ...policySet.networkSets];
  return {
    policySet,
    inventory,
    tiers,
    profiles: new Map(policySet.profiles.map((profile) => [profile.name, profile])),
    membership: new MembershipIndex(labelled),
    tieBreak,
    failsafe: options.failsafe ?? defaultFailsafe(),
  };
}

/** Whether a policy belongs to a chain kind (tierInfoToProtoTierInfo's split). */
function inChain(policy: Policy, chain: ChainKind, direction: Direction): boolean {
  switch (chain) {
    case 'untracked':
      return policy.doNotTrack;
    case 'preDNAT':
      return !policy.doNotTrack && policy.preDNAT && direction === 'ingress';
    case 'forward':
      return !policy.doNotTrack && !policy.preDNAT && policy.applyOnForward;
    case 'normal':
      return !policy.doNotTrack && !policy.preDNAT;
  }
}

/**
 * Position of each endpoint (by key) in the membership index, built when first asked for:
 * commands that plan a few endpoints (explain, lint's checks) do not index 50k of them.
 */
const endpointIndexCache = new WeakMap<TierPlan, Map<string, number>>();

function endpointIndexOf(plan: TierPlan, endpoint: Endpoint): number {
  let positions = endpointIndexCache.get(plan);
  if (!positions) endpointIndexCache.set(plan, (positions = new Map(plan.inventory.endpoints.map((e, index) => [e.key, index]))));
  const index = positions.get(endpoint.key);
  if (index === undefined) throw new Error(`bug: endpoint ${endpoint.key} is not in the plan's inventory`);
  return index;
}

export function selects(plan: TierPlan, policy: Policy, endpoint: Endpoint): boolean {
  const index = endpointIndexOf(plan, endpoint);
  return plan.membership.members(policy.selector).has(index);
}

/**
 * For each endpoint (by inventory position), the positions in `plan.tiers` of the policies
 * that select it: [tier index, policy index] pairs in evaluation order. Built once per plan
 * by walking each policy's member set (cost: the members of every policy's selector), so
 * asking for many endpoints' plans never rescans every policy per endpoint.
 */
const selectionCache = new WeakMap<TierPlan, Uint32Array[]>();

function selectionsOf(plan: TierPlan): Uint32Array[] {
  let selections = selectionCache.get(plan);
  if (selections) return selections;
  const endpointCount = plan.inventory.endpoints.length;
  const lists: number[][] = Array.from({ length: endpointCount }, () => []);
  plan.tiers.forEach(({ policies }, tierIndex) => {
    policies.forEach((policy, policyIndex) => {
      for (const member of plan.membership.members(policy.selector).members()) {
        if (member >= endpointCount) break; // network sets follow the endpoints
        (lists[member] as number[]).push(tierIndex, policyIndex);
      }
    });
  });
  selections = lists.map((list) => Uint32Array.from(list));
  selectionCache.set(plan, selections);
  return selections;
}

/** The tiers, policies and profiles that decide one direction of one endpoint's chain. */
export function planFor(plan: TierPlan, endpoint: Endpoint, direction: Direction, chain: ChainKind = 'normal'): EndpointPlan {
  if (endpoint.kind === 'workload' && chain !== 'normal') {
    throw new Error(`bug: workload endpoints have only normal chains, asked for ${chain}`);
  }
  const index = endpointIndexOf(plan, endpoint);
  const selected = selectionsOf(plan)[index] as Uint32Array;
  const tiers: AppliedTier[] = [];
  const passByDefault = chain === 'untracked' || chain === 'preDNAT';
  for (let i = 0; i < selected.length; ) {
    const tierIndex = selected[i] as number;
    const { tier, policies } = plan.tiers[tierIndex] as OrderedTier;
    const applied: Policy[] = [];
    for (; i < selected.length && selected[i] === tierIndex; i += 2) {
      const policy = policies[selected[i + 1] as number] as Policy;
      if (policy.appliesTo[direction] && inChain(policy, chain, direction)) applied.push(policy);
    }
    if (applied.length === 0) continue;
    const defaultAction: TierDefaultAction = passByDefault ? 'Pass' : tier.defaultAction;
    const enforced = applied.some((policy) => !policy.staged);
    tiers.push({ tier, defaultAction, policies: applied, endOfTierDrop: enforced && defaultAction === 'Deny' });
  }
  const profiles: ProfileStep[] =
    chain === 'normal'
      ? endpoint.profiles.map((name) => {
          const profile = plan.profiles.get(name);
          return profile ? { name, profile } : { name };
        })
      : [];
  return { endpoint, direction, chain, tiers, profiles };
}
