import { createSelectorLexer } from '../../grammar/selector-tokens.js';
import { SelectorParser } from '../../grammar/selector-parser.js';

// The one lexer and parser of the process. Building them runs chevrotain's grammar
// analysis (milliseconds); tokenizing and parsing with them afterwards is cheap. Both
// are used synchronously only, so sharing them is safe.
export const selectorLexer = createSelectorLexer();
export const selectorParser = new SelectorParser();
