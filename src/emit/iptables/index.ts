// Stage 5: the iptables backend. lowerForIptables (IR → IR one iptables rule per rule can
// express), emitIptables (→ iptables-restore, ip6tables-restore and ipset text plus the
// attach/detach scripts), decodeIptables (that text → the lowered IR).
export { lowerForIptables } from './lower.js';
export { emitIptables, iptablesChunks, type IptablesChunks, type IptablesOutput } from './emit.js';
export { decodeIptables, originLookupFor, type IptablesText } from './decode.js';
export { commentForOrigin, originIdFromComment, sanitizeLogPrefix } from './comment.js';
export { mergeFamilies, splitFamilies, normaliseFamilies, ruleFamily } from './family.js';
