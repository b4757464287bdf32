// Stage 2: YAML/JSON documents → typed, validated, normalized resources.
export * from './resources.js';
export * from './types.js';
export * from './pipeline.js';
export { normalize, normalizeRules, vethNameForWorkload, policyKey, canonicalPolicies, comparePolicyIdentity, isCanonicalPolicyList, BUILT_IN_TIERS, k8sSelectorToCalico } from './normalize/index.js';
export type { NormalizeOptions, NormalizeResult } from './normalize/index.js';
export { parseCidr, normalizeCidr, type ParsedCidr } from './normalize/net.js';
export * from './address.js';
export { decodeSource, loadResources, loadText, type LoadResult, type LoadSource, type PodFocus, isPlainPodItem } from './load/index.js';
export { modelRules } from './rules/index.js';
