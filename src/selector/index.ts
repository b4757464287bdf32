// Stage 1: the Calico selector language. The only entry point other stages import.
export * from './types.js';
export { parseSelector } from './parse.js';
export { matches } from './evaluate.js';
export { canonicalString, selectorId } from './canonical.js';
export { prefixLabels } from './prefix.js';
export { tokenize, MAX_LABEL_LENGTH } from './tokens.js';
export { formatSelectorError } from './format.js';
export { testSelectors } from './batch.js';
