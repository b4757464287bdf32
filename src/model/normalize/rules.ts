/**
 * Diagnostics normalization can report, one rule per file. Everything here is about the
 * input as a whole (the inventory, references between resources), not a single field:
 * field-level problems (and duplicate resources) are reported by validation first.
 */
import type { RuleDefinition } from '../../diag/index.js';
import { inventoryIncomplete } from './rules/inventory-incomplete.js';
import { hostNetworkPod } from './rules/host-network-pod.js';
import { namespaceNotDefined } from './rules/namespace-not-defined.js';
import { missingTier } from './rules/missing-tier.js';

export { inventoryIncomplete, hostNetworkPod, namespaceNotDefined, missingTier };

export const normalizeRules: readonly RuleDefinition[] = [inventoryIncomplete, hostNetworkPod, namespaceNotDefined, missingTier];
