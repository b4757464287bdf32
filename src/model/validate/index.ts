// Stage 2b: upstream validation of typed resources (names, rules, selectors, endpoints, pools),
// duplicates, and fields calpol cannot enforce.
export { validateResources, type Validation } from './validate.js';
export { validateFragment } from './fragment.js';
export { type ValidateOptions } from './context.js';
