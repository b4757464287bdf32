import type { SemanticRule } from '../rule.js';

/** The semantic lint rules (those that need the tier plan), one file each. */
export const semanticRules: readonly SemanticRule[] = [];
