// Stage 5: the iptables backend. lowerForIptables (IR → IR one iptables rule per rule can
// express), iptablesChunks (→ iptables-restore, ip6tables-restore and ipset text plus the
// attach/detach scripts, a line per chunk, rendered as written), emitIptables (the same
// files as strings), decodeIptables (that text → the lowered IR).
export { lowerForIptables } from './lower.js';
export { emitIptables, iptablesChunks, type IptablesChunks, type IptablesOutput } from './emit.js';
export { decodeIptables, originLookupFor, type IptablesText } from './decode.js';
export { commentForOrigin, originIdFromComment, sanitizeLogPrefix } from './comment.js';
export { mergeFamilies, splitFamilies, normaliseFamilies, ruleFamily } from './family.js';
