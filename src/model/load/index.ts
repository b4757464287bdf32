// Stage 2a: bytes → YAML documents → typed resources with positions (no I/O: the CLI reads files).
export { loadResources, loadText, type LoadResult, type LoadSource } from './load.js';
export { loadFocused, isPlainPodItem, type PodFocus } from './pod-focus.js';
export { decodeSource, MAX_FILE_BYTES, type DecodedText } from './decode.js';
export { parseYamlFile, type ParsedFile } from './yaml.js';
export { CALICO_API_VERSIONS, isListKind, routeKind, type KindRoute } from './kinds.js';
