import type { IRecognitionException, IToken } from 'chevrotain';
import { EOF, tokenMatcher } from '../../grammar/chevrotain.js';
import { SetOperator } from '../../grammar/selector-tokens.js';
import { createSelector } from './canonical.js';
import { selectorParser } from './engine.js';
import { buildAst } from './to-ast.js';
import { lexSelector, renderToken, tokenRange } from './tokens.js';
import type { SelectorError, SelectorResult } from './types.js';

/**
 * Parse results are cached by selector text: a cluster repeats the same few selectors
 * across thousands of policies and rules. The cache is an LRU of at most this many
 * texts (errors included); results are deep-frozen because every caller shares them.
 */
const PARSE_CACHE_LIMIT = 50_000;
const cache = new Map<string, SelectorResult>();

/**
 * Parses a selector. An empty or blank selector is `all()`. Errors are returned with
 * upstream's message and the offset/length of the offending text; this never throws.
 */
export function parseSelector(text: string): SelectorResult {
  const cached = cache.get(text);
  if (cached) {
    // Re-inserting moves the entry to the back of the Map's order: least recently used first.
    cache.delete(text);
    cache.set(text, cached);
    return cached;
  }
  // The selector inside is frozen already (within the stack-overflow guard); this freezes the wrapper and errors.
  const result = deepFreeze(parseUncached(text));
  if (cache.size >= PARSE_CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(text, result);
  return result;
}

function parseUncached(text: string): SelectorResult {
  const lexed = lexSelector(text);
  if (!lexed.ok) return lexed;
  try {
    selectorParser.input = lexed.tokens;
    const cst = selectorParser.selector();
    const [exception] = selectorParser.errors;
    if (exception) return { ok: false, error: describeParseError(exception, lexed.tokens, text) };
    return { ok: true, selector: deepFreeze(createSelector(text, buildAst(cst))) };
  } catch (error) {
    // Only very deep nesting gets here: chevrotain's parser recurses a few dozen frames
    // per parenthesis, so about 400 nested groups exhaust the stack. Upstream accepts
    // them; calpol reports them instead of crashing.
    if (!(error instanceof RangeError)) throw error;
    return { ok: false, error: { message: 'selector nested too deeply', offset: 0, length: text.length } };
  }
}

/**
 * Maps the parser's first error to upstream's message. The grammar rules mirror
 * upstream's parse functions, so the rule that failed tells which message upstream
 * gives, and the offending token is the one upstream prints.
 */
function describeParseError(exception: IRecognitionException, tokens: IToken[], text: string): SelectorError {
  const { token } = exception;
  const rule = exception.context.ruleStack[exception.context.ruleStack.length - 1];
  const at = tokenRange(token, text);
  switch (exception.name) {
    case 'NotAllInputParsedException':
      return trailingContentError(token, tokens);
    case 'NoViableAltException':
      if (rule !== 'labelOperation') return { message: `unexpected token: ${renderToken(token)}`, ...at };
      // Upstream checks for a missing operator before looking at what is there.
      if (token.tokenType === EOF) return { message: 'unexpected end of string looking for op', ...at };
      return { message: `expected == or != not: ${renderToken(token)}`, ...at };
    case 'MismatchedTokenException':
      return { message: mismatchMessage(rule, token, tokens), ...at };
    default:
      throw new Error(`selector parser: unmapped ${exception.name} in rule ${String(rule)}`);
  }
}

function mismatchMessage(rule: string | undefined, token: IToken, tokens: IToken[]): string {
  if (rule === 'group') return 'expected )';
  if (rule === 'valueComparison') return 'expected string';
  if (rule === 'setMembership') {
    // The set rule fails either right after `in`/`not in` (no `{`) or later (no `}`).
    const index = token.tokenType === EOF ? tokens.length : tokens.indexOf(token);
    const previous = tokens[index - 1];
    return previous && tokenMatcher(previous, SetOperator) ? 'expected set literal' : 'expected }';
  }
  throw new Error(`selector parser: unmapped mismatch in rule ${String(rule)}`);
}

/** Upstream prints the tokens left over, EOF included: `[TokRParen() TokEOF()]`. */
function trailingContentError(first: IToken, tokens: IToken[]): SelectorError {
  const rest = tokens.slice(tokens.indexOf(first));
  const rendered = [...rest.map(renderToken), 'TokEOF()'].join(' ');
  const last = rest[rest.length - 1] ?? first;
  const end = last.startOffset + last.image.length;
  return {
    message: `unexpected content at end of selector [${rendered}]`,
    offset: first.startOffset,
    length: end - first.startOffset,
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
