// Stage 8: matrix — the verdict for every (source endpoint, destination endpoint, port), and its formats.
export * from './probes.js';
export * from './endpoints.js';
export * from './verdicts.js';
export * from './facts.js';
export * from './format/shared.js';
export * from './format/text.js';
export * from './format/markdown.js';
export * from './format/csv.js';
export * from './format/json.js';
export * from './format/html.js';
