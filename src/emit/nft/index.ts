// Stage 5: the nftables backend. Program → `nft -j` JSON (and nft text for people), and
// the JSON back → Program, so the evaluator can run what was emitted.
export type * from './json-types.js';
export { emitNft, emitNftCommands, DEFAULT_TABLE, type EmitNftOptions } from './emit.js';
export { formatNftJson, nftJsonChunks } from './format-json.js';
export { formatNftText, nftTextChunks } from './format-text.js';
export { decodeNft, originLookupFor, originKeyForSet, originKeyForMap, type OriginLookup } from './decode.js';
export { NftDecodeError } from './decode-errors.js';
export { commentForOrigin, commentToOriginId, logPrefixText, MAX_COMMENT_BYTES, MAX_LOG_PREFIX_BYTES } from './text-safety.js';
