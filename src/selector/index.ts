// Stage 1: the Calico selector language.
export * from './types.js';
