// Stage 2: YAML/JSON documents → typed, validated, normalized resources.
export * from './resources.js';
