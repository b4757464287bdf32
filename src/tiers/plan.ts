import { isCanonicalPolicyList, type Endpoint, type Inventory, type Policy, type PolicySet, type Profile, type Tier, type TierDefaultAction } from '../model/index.js';
import { defaultFailsafe, type FailsafeConfig } from './failsafe.js';
import { MembershipIndex } from './membership.js';
import { Bitset } from './bitset.js';
import { compareTiers, policiesByTier, type TieBreak } from './order.js';

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
  const byTier = policiesByTier(policySet.policies, tieBreak, isCanonicalPolicyList(policySet.policies));
  const tiers = [...policySet.tiers].sort(compareTiers).map((tier) => ({ tier, policies: byTier.get(tier.name) ?? [] }));
  // Built when first asked for: commands that plan a few endpoints look up a few profiles.
  let profiles: Map<string, Profile> | undefined;
  return {
    policySet,
    inventory,
    tiers,
    get profiles() {
      return (profiles ??= new Map(policySet.profiles.map((profile) => [profile.name, profile])));
    },
    membership: new MembershipIndex(inventory.endpoints, policySet.networkSets),
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
 * that select it, in evaluation order: endpoint e's are the [tier index, policy index] pairs
 * `pairs[2k], pairs[2k + 1]` for k from `starts[e]` to `starts[e + 1]`. Built once per plan
 * by walking each policy's member set (cost: the members of every policy's selector), so
 * asking for many endpoints' plans never rescans every policy per endpoint. Two flat arrays
 * rather than one list per endpoint: fifty thousand small arrays took longer to allocate
 * and collect than the walk itself.
 */
interface Selections {
  starts: Uint32Array;
  pairs: Uint32Array;
}

const selectionCache = new WeakMap<TierPlan, Selections>();

function selectionsOf(plan: TierPlan): Selections {
  let selections = selectionCache.get(plan);
  if (selections) return selections;
  const endpointCount = plan.inventory.endpoints.length;
  plan.membership.preparePostings(plan.tiers.flatMap(({ policies }) => policies.map((policy) => policy.selector)));
  // Each policy's members, in evaluation order (tier by tier), with its [tier, policy] position.
  const memberLists: Int32Array[] = [];
  const positions: number[] = [];
  plan.tiers.forEach(({ policies }, tierIndex) => {
    policies.forEach((policy, policyIndex) => {
      memberLists.push(plan.membership.members(policy.selector).memberArray());
      positions.push(tierIndex, policyIndex);
    });
  });
  // A counting sort by endpoint: count, then place in evaluation order (network sets, which
  // follow the endpoints in the membership index, are left out).
  const starts = new Uint32Array(endpointCount + 1);
  for (const members of memberLists) {
    for (let k = 0; k < members.length && (members[k] as number) < endpointCount; k++) starts[(members[k] as number) + 1]! += 1;
  }
  for (let endpoint = 0; endpoint < endpointCount; endpoint++) starts[endpoint + 1]! += starts[endpoint]!;
  const next = starts.slice(0, endpointCount);
  const pairs = new Uint32Array(2 * (starts[endpointCount] as number));
  memberLists.forEach((members, list) => {
    const tierIndex = positions[2 * list] as number;
    const policyIndex = positions[2 * list + 1] as number;
    for (let k = 0; k < members.length && (members[k] as number) < endpointCount; k++) {
      const slot = next[members[k] as number]!++;
      pairs[2 * slot] = tierIndex;
      pairs[2 * slot + 1] = policyIndex;
    }
  });
  selections = { starts, pairs };
  selectionCache.set(plan, selections);
  return selections;
}

/** The tiers, policies and profiles that decide one direction of one endpoint's chain. */
export function planFor(plan: TierPlan, endpoint: Endpoint, direction: Direction, chain: ChainKind = 'normal'): EndpointPlan {
  if (endpoint.kind === 'workload' && chain !== 'normal') {
    throw new Error(`bug: workload endpoints have only normal chains, asked for ${chain}`);
  }
  const index = endpointIndexOf(plan, endpoint);
  const { starts, pairs } = selectionsOf(plan);
  const end = 2 * (starts[index + 1] as number);
  const tiers: AppliedTier[] = [];
  const passByDefault = chain === 'untracked' || chain === 'preDNAT';
  for (let i = 2 * (starts[index] as number); i < end; ) {
    const tierIndex = pairs[i] as number;
    const { tier, policies } = plan.tiers[tierIndex] as OrderedTier;
    const applied: Policy[] = [];
    for (; i < end && pairs[i] === tierIndex; i += 2) {
      const policy = policies[pairs[i + 1] as number] as Policy;
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

/** The endpoints among the plan's membership indexes (network sets follow them). */
export function endpointMask(plan: TierPlan): Bitset {
  const count = plan.inventory.endpoints.length;
  return Bitset.of(plan.membership.size, Array.from({ length: count }, (_, index) => index));
}

/** Enforced policies whose selector selects no endpoint of the inventory: none of their rules reach a ruleset. */
export function policiesSelectingNothing(plan: TierPlan): Policy[] {
  const endpoints = endpointMask(plan);
  return plan.policySet.policies.filter((policy) => !policy.staged && plan.membership.members(policy.selector).and(endpoints).isEmpty());
}
