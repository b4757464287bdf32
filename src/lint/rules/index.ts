import type { SemanticRule } from '../rule.js';
import { ambiguousOrder } from './ambiguous-order.js';
import { shadowedRule } from './shadowed-rule.js';
import { unreachablePolicy } from './unreachable-policy.js';

/** The semantic lint rules (those that need the tier plan), one file each, sorted by id. */
export const semanticRules: readonly SemanticRule[] = [ambiguousOrder, shadowedRule, unreachablePolicy];
