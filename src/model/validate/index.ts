// Stage 2b: upstream validation of typed resources (names, rules, selectors, endpoints, pools),
// duplicates, and fields calpol cannot enforce.
export { validateResources, validateResource } from './validate.js';
export { validateFragment } from './fragment.js';
export { Checker, type ValidateOptions } from './context.js';
export { findDuplicates } from './duplicates.js';
