// Stage 3: evaluation order — tiers, policies, default actions, profiles — per endpoint and direction.
export * from './order.js';
export * from './bitset.js';
export * from './membership.js';
export * from './failsafe.js';
export * from './plan.js';
