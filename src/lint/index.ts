// Stage 7: lint rules, the registry, and the output formats for findings.
export * from './registry.js';
export * from './lint.js';
export * from './format/index.js';
export * from './rule.js';
export * from './rules/index.js';
