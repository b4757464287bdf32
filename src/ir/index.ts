// Stage 4: the intermediate representation — firewall programs as data — and its construction from the tier plan.
export * from './types.js';
export * from './names.js';
export * from './sets.js';
export { buildProgram, type BuildOptions, type BuildResult } from './build.js';
export { uncompilable } from './rules/uncompilable.js';
export { PROTOCOL_NUMBER, protocolNumber } from './registry.js';
export { matchFamily, setTypeFamily } from './family.js';
