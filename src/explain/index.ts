// Stage 8: explain — flows as users write them, resolved against the inventory, and traces in words.
export * from './flows.js';
export * from './resolve.js';
export * from './flow-inventory.js';
export * from './facts.js';
export * from './render.js';
