import type { Policy, PolicyRule, Profile } from '../model/index.js';
import type { Direction, EndpointPlan } from '../tiers/index.js';
import type { IpSets } from './ipsets.js';
import { effectiveMatch } from './match.js';
import type { Packet } from './packet.js';
import type { RuleOwner, StageTrace, Step, Verdict } from './trace.js';

/** What a list of rules decided: Allow/Deny/Pass at a rule index, or nothing. */
type RulesOutcome = { decision: 'allow' | 'deny' | 'pass'; ruleIndex: number } | { decision: 'none' };

export function policyOwner(policy: Policy): RuleOwner {
  const owner: RuleOwner = {
    type: 'policy',
    tier: policy.tier,
    key: policy.key,
    kind: policy.kind,
    name: policy.name,
    staged: policy.staged,
    span: policy.span,
  };
  if (policy.namespace !== undefined) owner.namespace = policy.namespace;
  return owner;
}

function profileOwner(name: string, profile: Profile): RuleOwner {
  return profile.span ? { type: 'profile', name, span: profile.span } : { type: 'profile', name };
}

/**
 * Rules run in order; the first Allow, Deny or Pass decides; Log only records and goes on.
 * Every rule considered is recorded (when `steps` is given) with the field that failed.
 */
function runRules(rules: readonly PolicyRule[], owner: RuleOwner, packet: Packet, ipSets: IpSets, steps?: Step[]): RulesOutcome {
  for (const rule of rules) {
    const match = effectiveMatch(rule, packet, ipSets);
    if (steps) {
      const step: Step = { kind: 'rule', owner, ruleIndex: rule.index, action: rule.action, matched: match.matched, span: rule.span };
      if (!match.matched) step.failed = match.failed;
      steps.push(step);
    }
    if (!match.matched || rule.action === 'Log') continue;
    const decision = rule.action === 'Allow' ? 'allow' : rule.action === 'Deny' ? 'deny' : 'pass';
    return { decision, ruleIndex: rule.index };
  }
  return { decision: 'none' };
}

const rulesOf = (owner: { ingress: PolicyRule[]; egress: PolicyRule[] }, direction: Direction) =>
  direction === 'ingress' ? owner.ingress : owner.egress;

/** What a staged policy would have done: evaluated like an enforced one, but only reported. */
function stagedStep(policy: Policy, direction: Direction, packet: Packet, ipSets: IpSets): Step {
  const outcome = runRules(rulesOf(policy, direction), policyOwner(policy), packet, ipSets);
  const step: Step = { kind: 'staged', owner: policyOwner(policy), wouldBe: outcome.decision === 'none' ? 'no-match' : outcome.decision };
  if (outcome.decision !== 'none') step.ruleIndex = outcome.ruleIndex;
  return step;
}

function finish(stage: StageTrace, outcome: Verdict | 'continue'): StageTrace {
  stage.outcome = outcome;
  if (outcome !== 'continue') stage.decidedBy = stage.steps.length - 1;
  return stage;
}

/** Runs the tiers of one chain; returns the verdict, or undefined when every tier passed. */
function runTiers(plan: EndpointPlan, packet: Packet, ipSets: IpSets, steps: Step[]): Verdict | undefined {
  for (const applied of plan.tiers) {
    let passed = false;
    for (const policy of applied.policies) {
      if (policy.staged) {
        steps.push(stagedStep(policy, plan.direction, packet, ipSets));
        continue;
      }
      const owner = policyOwner(policy);
      const outcome = runRules(rulesOf(policy, plan.direction), owner, packet, ipSets, steps);
      if (outcome.decision === 'allow' || outcome.decision === 'deny') return outcome.decision;
      if (outcome.decision === 'pass') {
        passed = true;
        break;
      }
      steps.push({ kind: 'policy-no-match', owner });
    }
    if (passed) continue;
    steps.push({ kind: 'end-of-tier', tier: applied.tier.name, action: applied.endOfTierDrop ? 'Deny' : 'Pass', span: applied.tier.span });
    if (applied.endOfTierDrop) return 'deny';
  }
  return undefined;
}

/** Runs the endpoint's profiles in order: the first Allow or Deny decides; nothing allowing is a drop. */
function runProfiles(plan: EndpointPlan, packet: Packet, ipSets: IpSets, steps: Step[]): Verdict {
  for (const { name, profile } of plan.profiles) {
    if (!profile) {
      steps.push({ kind: 'profile-missing', name });
      continue;
    }
    // Pass in a profile only sets the pass bit: it behaves like no match (docs/calico-semantics.md §3.8).
    const outcome = runRules(rulesOf(profile, plan.direction), profileOwner(name, profile), packet, ipSets, steps);
    if (outcome.decision === 'allow' || outcome.decision === 'deny') return outcome.decision;
  }
  steps.push({ kind: 'no-profile-allowed', profiles: plan.profiles.map((p) => p.name) });
  return 'deny';
}

/**
 * One chain, as Felix lays it out (felix/rules/endpoints.go): tiers in order (each either
 * decides, passes, or ends in its default action), then — normal chains only — profiles
 * and a final drop. Forward chains with no applicable tier allow; untracked and preDNAT
 * chains never drop by default, they hand the packet on (`continue`).
 */
export function evaluateChain(plan: EndpointPlan, packet: Packet, ipSets: IpSets, title: string): StageTrace {
  const endpoint = plan.endpoint;
  const stage: StageTrace = {
    title,
    endpoint: { key: endpoint.key, kind: endpoint.kind, name: endpoint.name, ...(endpoint.namespace ? { namespace: endpoint.namespace } : {}) },
    direction: plan.direction,
    chain: plan.chain,
    outcome: 'continue',
    steps: [],
  };
  const steps = stage.steps;
  if (plan.tiers.length === 0 && plan.chain === 'normal') steps.push({ kind: 'no-policy' });
  const tierVerdict = runTiers(plan, packet, ipSets, steps);
  if (tierVerdict) return finish(stage, tierVerdict);
  switch (plan.chain) {
    case 'normal':
      return finish(stage, runProfiles(plan, packet, ipSets, steps));
    case 'forward':
      if (plan.tiers.length === 0) {
        steps.push({ kind: 'forward-default-allow' });
        return finish(stage, 'allow');
      }
      return finish(stage, 'continue');
    default:
      return finish(stage, 'continue');
  }
}
