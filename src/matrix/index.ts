// Stage 8: matrix — the verdict for every (source endpoint, destination endpoint, port), and its formats.
export * from './probes.js';
export * from './endpoints.js';
export * from './verdicts.js';
export * from './facts.js';
