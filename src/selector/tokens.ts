import type { IToken, TokenType } from 'chevrotain';
import { EOF, tokenMatcher } from '../../grammar/chevrotain.js';
import * as grammar from '../../grammar/selector-tokens.js';
import { selectorLexer } from './engine.js';
import type { SelectorError, SelectorToken, SourceRange, TokenizeResult, TokenKind } from './types.js';

/** Upstream's `MaxLabelLength`. */
export const MAX_LABEL_LENGTH = 512;

export type LexResult = { ok: true; tokens: IToken[] } | { ok: false; error: SelectorError };

const KIND_OF = new Map<TokenType, TokenKind>([
  [grammar.Label, 'TokLabel'],
  [grammar.StringLiteral, 'TokStringLiteral'],
  [grammar.LBrace, 'TokLBrace'],
  [grammar.RBrace, 'TokRBrace'],
  [grammar.Comma, 'TokComma'],
  [grammar.Eq, 'TokEq'],
  [grammar.Ne, 'TokNe'],
  [grammar.In, 'TokIn'],
  [grammar.Not, 'TokNot'],
  [grammar.NotIn, 'TokNotIn'],
  [grammar.Contains, 'TokContains'],
  [grammar.StartsWith, 'TokStartsWith'],
  [grammar.EndsWith, 'TokEndsWith'],
  [grammar.All, 'TokAll'],
  [grammar.Has, 'TokHas'],
  [grammar.LParen, 'TokLParen'],
  [grammar.RParen, 'TokRParen'],
  [grammar.And, 'TokAnd'],
  [grammar.Or, 'TokOr'],
  [grammar.Global, 'TokGlobal'],
  [EOF, 'TokEOF'],
]);

/**
 * Tokens upstream's tokenizer recognises by their first character, before it looks at
 * what came before. After a label, anything else must be a word operator: upstream
 * reports `expected operator after label` before it would even try `has(` or a label.
 */
const RECOGNISED_BY_FIRST_CHARACTER = new Set<TokenType>([
  grammar.LParen,
  grammar.RParen,
  grammar.LBrace,
  grammar.RBrace,
  grammar.Comma,
  grammar.StringLiteral,
  grammar.UnterminatedString,
  grammar.Eq,
  grammar.SingleEquals,
  grammar.Ne,
  grammar.Not,
  grammar.And,
  grammar.SingleAmpersand,
  grammar.Or,
  grammar.SinglePipe,
]);

/**
 * Lexes a selector and reports the first place upstream's tokenizer would fail, with
 * upstream's message. On success the tokens are chevrotain's, ready for the parser.
 */
export function lexSelector(text: string): LexResult {
  const { tokens } = selectorLexer.tokenize(text);
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as IToken;
    const previous = tokens[index - 1];
    if (previous?.tokenType === grammar.Label && !mayFollowLabel(token)) {
      const message = `expected operator after label ${JSON.stringify(previous.image)}`;
      return { ok: false, error: { message, ...tokenRange(token, text) } };
    }
    if (tokenMatcher(token, grammar.Malformed)) return { ok: false, error: malformedTokenError(token, text) };
  }
  return { ok: true, tokens };
}

function mayFollowLabel(token: IToken): boolean {
  return (
    RECOGNISED_BY_FIRST_CHARACTER.has(token.tokenType) ||
    tokenMatcher(token, grammar.ValueOperator) ||
    tokenMatcher(token, grammar.SetOperator)
  );
}

/** Upstream's message for a malformed token, pointing where upstream gave up. */
function malformedTokenError(token: IToken, text: string): SelectorError {
  const range = tokenRange(token, text);
  const end = range.offset + range.length;
  switch (token.tokenType) {
    case grammar.UnterminatedString:
      return { message: 'unterminated string', ...range };
    case grammar.SingleEquals:
      return { message: 'expected ==', ...range };
    case grammar.SingleAmpersand:
      return { message: 'expected &&', ...range };
    case grammar.SinglePipe:
      return { message: 'expected ||', ...range };
    case grammar.MalformedHas:
      return malformedHasError(token, text);
    case grammar.MalformedAll:
      return { message: "no closing ')' after all(", ...pointAt(text, end) };
    case grammar.MalformedGlobal:
      return { message: "no closing ')' after global(", ...pointAt(text, end) };
    case grammar.LabelTooLong:
      return { message: `label too long: ${token.image}`, ...range };
    case grammar.UnexpectedCharacter:
      return { message: 'expected identifier', ...range };
    default:
      throw new Error(`selector lexer: malformed token ${token.tokenType.name} has no message`);
  }
}

/** The MalformedHas token is `has(`, blanks, maybe a label, blanks: find which part is wrong. */
function malformedHasError(token: IToken, text: string): SelectorError {
  const afterParen = token.startOffset + 'has('.length;
  const labelMatch = /[a-zA-Z0-9_./-]+/.exec(token.image.slice('has('.length));
  if (!labelMatch) return { message: 'expected identifier', ...pointAt(text, token.startOffset + token.image.length) };
  const label = labelMatch[0];
  if (label.length > MAX_LABEL_LENGTH) {
    return { message: `label too long: ${label}`, offset: afterParen + labelMatch.index, length: label.length };
  }
  return { message: "no closing ')' after has(", ...pointAt(text, token.startOffset + token.image.length) };
}

/** One character at `offset`, or an empty range at the end of the text. */
function pointAt(text: string, offset: number): SourceRange {
  return { offset, length: offset < text.length ? 1 : 0 };
}

/** A token's place in the text; chevrotain's EOF token has no offset, it sits at the end. */
export function tokenRange(token: IToken, text: string): SourceRange {
  if (token.tokenType === EOF) return { offset: text.length, length: 0 };
  return { offset: token.startOffset, length: token.image.length };
}

/** The text of a string literal, without its quotes. */
export function stringValue(token: IToken): string {
  return token.image.slice(1, -1);
}

/** The label inside `has( label )`. */
export function hasLabel(token: IToken): string {
  return token.image.slice('has('.length, -1).replace(/^[ \t]+|[ \t]+$/g, '');
}

/** Upstream's `Token.Value`: the label, the string's text, the has() label, or nothing. */
function tokenValue(token: IToken): string | undefined {
  switch (token.tokenType) {
    case grammar.Label:
      return token.image;
    case grammar.StringLiteral:
      return stringValue(token);
    case grammar.Has:
      return hasLabel(token);
    default:
      return undefined;
  }
}

function kindOf(token: IToken): TokenKind {
  const kind = KIND_OF.get(token.tokenType);
  if (!kind) throw new Error(`selector lexer: token ${token.tokenType.name} has no upstream kind`);
  return kind;
}

/** A token as upstream's `Token.String()` prints it in messages: `TokLabel(a)`, `TokEOF()`. */
export function renderToken(token: IToken): string {
  return `${kindOf(token)}(${tokenValue(token) ?? ''})`;
}

/**
 * Tokenizes a selector as upstream's `tokenizer.Tokenize` does: the token stream ending
 * in TokEOF, or the first error. A token stream does not mean the selector parses.
 */
export function tokenize(text: string): TokenizeResult {
  const lexed = lexSelector(text);
  if (!lexed.ok) return lexed;
  const tokens: SelectorToken[] = lexed.tokens.map((token) => {
    const value = tokenValue(token);
    const range = tokenRange(token, text);
    return value === undefined ? { kind: kindOf(token), range } : { kind: kindOf(token), value, range };
  });
  tokens.push({ kind: 'TokEOF', range: { offset: text.length, length: 0 } });
  return { ok: true, tokens };
}
