import type { Span } from '../diag/index.js';
import type { RuleAction, TierDefaultAction } from '../model/index.js';
import type { ChainKind, Direction, FailsafePort } from '../tiers/index.js';

export type Verdict = 'allow' | 'deny';

/** Who owns a rule: a policy in a tier, or a profile. */
export type RuleOwner =
  | { type: 'policy'; tier: string; key: string; kind: string; name: string; namespace?: string; staged: boolean; span: Span }
  | { type: 'profile'; name: string; span?: Span };

/** One thing an evaluator considered, in order. */
export type Step =
  | { kind: 'failsafe'; direction: 'inbound' | 'outbound'; port: FailsafePort }
  | {
      kind: 'rule';
      owner: RuleOwner;
      ruleIndex: number;
      action: RuleAction;
      matched: boolean;
      /** The first field that did not match, when `matched` is false. */
      failed?: string;
      span: Span;
    }
  /** A policy none of whose rules matched: evaluation falls through to the next policy. */
  | { kind: 'policy-no-match'; owner: RuleOwner }
  /** What a staged policy would have done had it been enforced (it is not). */
  | { kind: 'staged'; owner: RuleOwner; wouldBe: 'allow' | 'deny' | 'pass' | 'no-match'; ruleIndex?: number }
  | { kind: 'end-of-tier'; tier: string; action: TierDefaultAction; span: Span }
  | { kind: 'no-policy' }
  | { kind: 'profile-missing'; name: string }
  | { kind: 'no-profile-allowed'; profiles: string[] }
  | { kind: 'forward-default-allow' }
  | { kind: 'endpoint-to-host'; action: 'drop' | 'accept' | 'return' }
  /** IPv6 neighbour discovery / MLD from a workload to its host: always accepted, before any policy. */
  | { kind: 'icmpv6-to-host'; type: number };

/** One chain an evaluated packet went through (one direction of one endpoint, or a host hop). */
export interface StageTrace {
  /** E.g. `egress from production/frontend`. */
  title: string;
  endpoint?: { key: string; kind: 'workload' | 'host'; name: string; namespace?: string };
  direction: Direction;
  chain: ChainKind;
  /** `continue` for stages that decided nothing (untracked/preDNAT with no accept). */
  outcome: Verdict | 'continue';
  steps: Step[];
  /** Index in `steps` of the step that decided the outcome (absent for `continue`). */
  decidedBy?: number;
}

export interface Trace {
  verdict: Verdict;
  stages: StageTrace[];
  /** The stage that decided the verdict (the first deny, or the last stage for an allow). */
  decidingStage: number;
}
