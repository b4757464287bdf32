// Strict decoding of parsed YAML into the typed shapes of ../resources.ts, driven by tables.
export * from './types.js';
export * from './calico.js';
export * from './k8s.js';
export * from './nodes.js';
export { KIND_SCHEMAS, LIST_DOCUMENT, type KindSchema } from './resources.js';
export { FRAGMENT_TYPES, isFragmentKind, type FragmentKind } from './fragments.js';
export {
  childPointer,
  keyPointer,
  recordSpan,
  decodeObject,
  decodeValue,
  newPositions,
  nodeSpan,
  type DecodeContext,
  type DecodedPositions,
} from './decode.js';
export { textSegments, type ScalarStyle } from './text-map.js';
export { lazySpans, SpanRecorder, spansOnDemand } from './spans.js';
