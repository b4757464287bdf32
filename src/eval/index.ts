// Stage 6: evaluators. `reference` runs the tier plan (the policy model); the emitted-ruleset
// evaluator (`run`) joins it with the compiler.
export * from './packet.js';
export * from './trace.js';
export * from './ipsets.js';
export * from './match.js';
export * from './chain.js';
export * from './reference.js';
export * from './address.js';
export * from './run-match.js';
export * from './run-program.js';
export * from './run.js';
export * from './run-flow.js';
