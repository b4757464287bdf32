import type { Diagnostic } from '../../diag/index.js';
import {
  parsePrefix,
  protocolNumber,
  referenceEvaluator,
  type ReferenceEvaluator,
  type ResolvedFlow,
  type Step,
} from '../../eval/index.js';
import type { Endpoint, Policy, PolicyRule } from '../../model/index.js';
import { planFor, type TierPlan } from '../../tiers/index.js';
import { finding, type LintContext, type SemanticRule } from '../rule.js';
import { canMatch, describePolicy } from './policy-facts.js';

type MessageId = 'ruleDenies' | 'tierDenies' | 'profilesDeny' | 'noDnsAllowed';

/**
 * Egress default-deny without a DNS exception: the endpoint cannot resolve names, so
 * everything by name fails. With endpoints, the reference evaluator decides a UDP/53 flow
 * from each endpoint that some egress policy selects, to each kube-dns pod (label
 * `k8s-app: kube-dns`, at most MAX_DNS_PODS) or, when there is none, to an address outside
 * the cluster (DNS_OUTSIDE). Only the source's egress stage counts: the DNS pod's own
 * ingress policy is another matter. Findings are grouped per responsible policy.
 *
 * Cost: one evaluation per (endpoint policy list, profiles, family, targets) signature;
 * endpoints whose egress rules look at the source address are evaluated one by one.
 *
 * Without endpoints, only the plainest case is claimed: an enforced egress policy with no
 * egress rules at all in a tier whose default is Deny, while no policy of the input has an
 * egress rule that could allow (or pass) UDP or TCP port 53.
 */
export const egressBlocksDns: SemanticRule<MessageId> = {
  id: 'egress-blocks-dns',
  severity: 'warning',
  description: 'Egress policy denies DNS (UDP 53) for the endpoints it selects.',
  messages: {
    ruleDenies:
      '{policy} blocks DNS for {count} endpoint(s) it selects (e.g. {examples}): its egress rule {rule} denies UDP 53 to {target}',
    tierDenies:
      '{policy} blocks DNS for {count} endpoint(s) it selects (e.g. {examples}): it makes tier {tier} apply to their egress, and nothing there allows UDP 53 to {target} before the end-of-tier Deny',
    profilesDeny:
      '{policy} selects {count} endpoint(s) (e.g. {examples}) whose egress UDP 53 to {target} every tier passes and no profile allows',
    noDnsAllowed:
      '{policy} denies all egress of the endpoints it selects (no egress rules, tier {tier} ends in Deny) and no policy in the input allows DNS (UDP/TCP 53)',
  },
  check(context) {
    return context.hasEndpoints ? withEndpoints(context) : withoutEndpoints(context);
  },
};

/** A documentation address (RFC 5737 / RFC 3849) standing for a resolver outside the cluster. */
const DNS_OUTSIDE = { 4: '203.0.113.53', 6: '2001:db8::53' } as const;
const MAX_DNS_PODS = 4;
const MAX_EXAMPLES = 3;
const UDP = 17;
const EPHEMERAL_PORT = 40000;

/* ---------------------------------------------------------- with endpoints */

interface Denial {
  target: string;
  /** The policy held responsible, and how it denies. */
  policy: Policy;
  messageId: Exclude<MessageId, 'noDnsAllowed'>;
  rule?: number;
}

interface Group {
  denial: Denial;
  endpoints: string[];
}

function withEndpoints(context: LintContext): Diagnostic[] {
  const { plan } = context;
  const probe = new DnsProbe(plan);
  const groups = new Map<string, Group>();
  for (const endpoint of plan.inventory.endpoints) {
    if (endpoint.kind !== 'workload') continue;
    const policies = enforcedEgressPolicies(plan, endpoint);
    if (policies.length === 0) continue;
    const denial = probe.denial(endpoint, policies);
    if (!denial) continue;
    const groupKey = `${denial.policy.key}|${denial.messageId}`;
    const group = groups.get(groupKey) ?? { denial, endpoints: [] };
    group.endpoints.push(describeEndpoint(endpoint));
    groups.set(groupKey, group);
  }
  return [...groups.values()].map(report);
}

/** The enforced egress policies selecting the endpoint, in plan order (the plan's per-endpoint lists, shared with every other user of the plan). */
function enforcedEgressPolicies(plan: TierPlan, endpoint: Endpoint): Policy[] {
  return planFor(plan, endpoint, 'egress').tiers.flatMap((tier) => tier.policies.filter((policy) => !policy.staged));
}

/** Whether some egress rule looks at the source address (asked once per policy or profile). */
const sourceSensitiveCache = new WeakMap<readonly PolicyRule[], boolean>();
function sourceSensitive(rules: readonly PolicyRule[]): boolean {
  let sensitive = sourceSensitiveCache.get(rules);
  if (sensitive === undefined) {
    sensitive = rules.some((r) => r.source.nets.length + r.source.notNets.length > 0 || r.source.selector !== undefined || r.source.notSelector !== undefined);
    sourceSensitiveCache.set(rules, sensitive);
  }
  return sensitive;
}

/** The endpoint's first address of a family (its addresses are normalized: only IPv6 ones hold a colon). */
const addressOf = (endpoint: Endpoint, family: 4 | 6) => endpoint.addresses.find((a) => a.includes(':') === (family === 6));

/** Runs the DNS flows through the reference evaluator, once per verdict signature. */
class DnsProbe {
  private readonly evaluator: ReferenceEvaluator;
  private readonly dnsPods: Endpoint[];
  private readonly cache = new Map<string, Denial | undefined>();

  constructor(private readonly plan: TierPlan) {
    this.evaluator = referenceEvaluator(plan);
    const isDns = (e: Endpoint) => e.kind === 'workload' && e.labels['k8s-app'] === 'kube-dns';
    this.dnsPods = plan.inventory.endpoints.filter(isDns).slice(0, MAX_DNS_PODS);
  }

  /** Why DNS from `source` is denied, if it is; `policies` are the egress policies selecting it. */
  denial(source: Endpoint, policies: Policy[]): Denial | undefined {
    const family = addressOf(source, 4) ? 4 : 6;
    const targets = this.dnsPods.filter((pod) => pod.key !== source.key);
    const key = this.signature(source, policies, family, targets);
    if (!this.cache.has(key)) this.cache.set(key, this.evaluate(source, family, targets, policies));
    return this.cache.get(key);
  }

  /**
   * Endpoints with the same egress policies, profiles, family and DNS targets get the same
   * verdict, unless a rule looks at the source address: then the endpoint is its own key.
   */
  private signature(endpoint: Endpoint, policies: Policy[], family: 4 | 6, targets: Endpoint[]): string {
    const profiles = endpoint.profiles.map((name) => this.plan.profiles.get(name));
    const sensitive = policies.some((p) => sourceSensitive(p.egress)) || profiles.some((p) => p && sourceSensitive(p.egress));
    if (sensitive) return `endpoint|${endpoint.key}`;
    const keys = (items: { key: string }[]) => items.map((item) => item.key).join(',');
    return [family, keys(policies), endpoint.profiles.join(','), keys(targets)].join('|');
  }

  private evaluate(source: Endpoint, family: 4 | 6, targets: Endpoint[], policies: Policy[]): Denial | undefined {
    const sourceAddress = addressOf(source, family);
    if (!sourceAddress) return undefined;
    const destinations =
      targets.length > 0
        ? targets.map((pod) => ({ pod, address: addressOf(pod, family) }))
        : [{ pod: undefined, address: DNS_OUTSIDE[family] }];
    for (const { pod, address } of destinations) {
      if (!address) continue;
      const trace = this.evaluator.evaluate(dnsFlow(source, sourceAddress, pod, address));
      const stage = trace.stages.find((s) => s.endpoint?.key === source.key && s.direction === 'egress');
      if (stage?.outcome !== 'deny') continue;
      const target = pod ? `kube-dns pod ${describeEndpoint(pod)}` : `${address} (outside the cluster)`;
      return blame(stage.steps[stage.decidedBy ?? stage.steps.length - 1], policies, target);
    }
    return undefined;
  }
}

function dnsFlow(source: Endpoint, sourceAddress: string, pod: Endpoint | undefined, destinationAddress: string): ResolvedFlow {
  const sourcePrefix = parsePrefix(sourceAddress)!;
  const destination = parsePrefix(destinationAddress)!;
  const flow: ResolvedFlow = {
    path: 'workload',
    sourceEndpoint: source,
    packet: {
      ipVersion: sourcePrefix.version,
      source: sourcePrefix,
      destination,
      sourceAddress: sourceAddress.replace(/\/\d+$/, ''),
      destinationAddress: destinationAddress.replace(/\/\d+$/, ''),
      protocol: UDP,
      sourcePort: EPHEMERAL_PORT,
      destinationPort: 53,
    },
  };
  if (pod) flow.destinationEndpoint = pod;
  return flow;
}

/**
 * Who to name: the policy whose Deny rule decided; for an end-of-tier drop, a policy of
 * that tier selecting the endpoint (one without egress rules first: that is the usual
 * default-deny); when only the profiles were left, the first egress policy.
 */
function blame(step: Step | undefined, policies: Policy[], target: string): Denial {
  if (step?.kind === 'rule' && step.owner.type === 'policy') {
    const key = step.owner.key;
    const policy = policies.find((p) => p.key === key) ?? policies[0]!;
    return { target, policy, messageId: 'ruleDenies', rule: step.ruleIndex };
  }
  if (step?.kind === 'end-of-tier') {
    const inTier = policies.filter((p) => p.tier === step.tier);
    const policy = inTier.find((p) => p.egress.length === 0) ?? inTier[0] ?? policies[0]!;
    return { target, policy, messageId: 'tierDenies' };
  }
  return { target, policy: policies[0]!, messageId: 'profilesDeny' };
}

function describeEndpoint(endpoint: Endpoint): string {
  return endpoint.namespace === undefined ? endpoint.name : `${endpoint.namespace}/${endpoint.name}`;
}

function report({ denial, endpoints }: Group): Diagnostic {
  return finding(egressBlocksDns, denial.messageId, denial.policy.span, {
    policy: describePolicy(denial.policy),
    target: denial.target,
    tier: denial.policy.tier,
    rule: denial.rule ?? -1,
    count: endpoints.length,
    examples: endpoints.slice(0, MAX_EXAMPLES).join(', '),
  });
}

/* ------------------------------------------------------- without endpoints */

function withoutEndpoints(context: LintContext): Diagnostic[] {
  const { plan } = context;
  const policies = plan.tiers.flatMap(({ policies }) => policies.filter((p) => !p.staged));
  if (policies.some((p) => p.appliesTo.egress && p.egress.some(mightLetDnsOut))) return [];
  const tiers = new Map(plan.tiers.map(({ tier }) => [tier.name, tier]));
  return policies
    .filter((p) => p.appliesTo.egress && p.egress.length === 0 && !p.doNotTrack && !p.preDNAT)
    .filter((p) => tiers.get(p.tier)?.defaultAction === 'Deny')
    .map((p) => finding(egressBlocksDns, 'noDnsAllowed', p.span, { policy: describePolicy(p), tier: p.tier }));
}

/**
 * Could this egress rule let DNS out (Allow, or Pass on to a later tier or the profiles)?
 * Generous on purpose, so that the claim "nothing allows DNS" stays true: only the
 * protocol and destination ports are looked at, and named ports count as possibly 53.
 */
function mightLetDnsOut(rule: PolicyRule): boolean {
  if ((rule.action !== 'Allow' && rule.action !== 'Pass') || !canMatch(rule)) return false;
  if (rule.protocol !== undefined && ![6, 17].includes(protocolNumber(rule.protocol))) return false;
  const { ports, notPorts } = rule.destination;
  const has53 = (list: typeof ports) => list.some((p) => p.kind === 'named' || (p.min <= 53 && 53 <= p.max));
  if (ports.length > 0 && !has53(ports)) return false;
  return !notPorts.some((p) => p.kind === 'range' && p.min <= 53 && 53 <= p.max);
}
