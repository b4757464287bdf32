// Stage 0: positions, findings, and the text helpers every stage shares (hashing).
// Depends on nothing.
export * from './span.js';
export * from './diagnostic.js';
export * from './suggest.js';
export * from './unreachable.js';
export * from './hash.js';
