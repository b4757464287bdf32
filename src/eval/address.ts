// Address helpers live in the model stage (the compiler needs them too); re-exported for eval's callers.
export { parsePrefix, prefixContains, PrefixSet, type Prefix } from '../model/index.js';
