export * from './text.js';
export * from './json.js';
export * from './github.js';
export * from './sarif.js';
