import type { SemanticRule } from '../rule.js';
import { ambiguousOrder } from './ambiguous-order.js';
import { egressBlocksDns } from './egress-blocks-dns.js';
import { logOnlyPolicy } from './log-only-policy.js';
import { passInLastTier } from './pass-in-last-tier.js';
import { selectorMatchesNothing } from './selector-matches-nothing.js';
import { shadowedRule } from './shadowed-rule.js';
import { unreachablePolicy } from './unreachable-policy.js';

/** The semantic lint rules (those that need the tier plan), one file each, sorted by id. */
export const semanticRules: readonly SemanticRule[] = [
  ambiguousOrder,
  egressBlocksDns,
  logOnlyPolicy,
  passInLastTier,
  selectorMatchesNothing,
  shadowedRule,
  unreachablePolicy,
];
