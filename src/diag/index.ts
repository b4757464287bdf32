// Stage 0: positions and findings. Depends on nothing.
export * from './span.js';
export * from './diagnostic.js';
export * from './suggest.js';
