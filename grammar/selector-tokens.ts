/**
 * Tokens of the Calico selector language (libcalico-go `selector/tokenizer`), as a
 * chevrotain lexer definition. Grammar only: what each token looks like and in which
 * order the lexer tries them; what a token means lives in `src/selector/`.
 *
 * The lexer is total: it never reports a lexing error of its own. Input upstream's
 * tokenizer rejects is lexed as one of the `Malformed` tokens below, so the first
 * malformed token (in source order) is exactly where upstream stops, and the selector
 * stage turns it into upstream's message.
 *
 * Order matters: chevrotain tries the tokens in `allTokens` order and takes the first
 * that matches (no longest-match rule), just as upstream checks its cases in order.
 */
import type { CustomPatternMatcherFunc, IToken, Lexer as LexerInstance, TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';

/** Upstream's label (identifier) characters, ASCII only. */
const LABEL_CHAR = /[a-zA-Z0-9_./-]/;
const BLANK = /[ \t]/;

/** The words of an operator, e.g. `['starts', 'with']`. */
type OperatorWords = readonly [string, ...string[]];

// Categories. `PATTERN: NA` tokens are never lexed; they group real tokens so the
// parser can say "any value operator" and the selector stage can ask "is this malformed".
export const ValueOperator = createToken({ name: 'ValueOperator', pattern: Lexer.NA });
export const SetOperator = createToken({ name: 'SetOperator', pattern: Lexer.NA });
export const Malformed = createToken({ name: 'Malformed', pattern: Lexer.NA });

/** Only space and TAB separate tokens; a newline is not whitespace upstream. */
export const Blank = createToken({ name: 'Blank', pattern: /[ \t]+/, group: Lexer.SKIPPED });

export const LParen = createToken({ name: 'LParen', pattern: '(' });
export const RParen = createToken({ name: 'RParen', pattern: ')' });
export const LBrace = createToken({ name: 'LBrace', pattern: '{' });
export const RBrace = createToken({ name: 'RBrace', pattern: '}' });
export const Comma = createToken({ name: 'Comma', pattern: ',' });

/** A string ends at the next quote of the same kind; there are no escapes. */
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /"[^"]*"|'[^']*'/,
  line_breaks: true,
});
/** Tried only when StringLiteral failed, i.e. the closing quote is missing. */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /["'][\s\S]*/,
  line_breaks: true,
  categories: Malformed,
});

export const Eq = createToken({ name: 'Eq', pattern: '==', categories: ValueOperator });
export const SingleEquals = createToken({ name: 'SingleEquals', pattern: '=', categories: Malformed });
// `!=` is listed before `!` so that `a!="b"` is not-equal rather than NOT.
export const Ne = createToken({ name: 'Ne', pattern: '!=', categories: ValueOperator });
export const Not = createToken({ name: 'Not', pattern: '!' });
export const And = createToken({ name: 'And', pattern: '&&' });
export const SingleAmpersand = createToken({ name: 'SingleAmpersand', pattern: '&', categories: Malformed });
export const Or = createToken({ name: 'Or', pattern: '||' });
export const SinglePipe = createToken({ name: 'SinglePipe', pattern: '|', categories: Malformed });

/**
 * Builds the matcher for a word operator (`contains`, `starts with`, ...).
 *
 * Trick: upstream decides "operator or label?" from the previous token, which a
 * regex cannot see, so these are chevrotain custom patterns: chevrotain hands them the
 * tokens matched so far (skipped blanks excluded). An operator is recognised only right
 * after a Label, which is what keeps `contains`, `in`, `not` usable as label names.
 *
 * The words may be separated by any run of blanks, or none (`startswith`, `notin`).
 * After the last word there must be a word boundary (end of text or a non-label
 * character) so `a inf "x"` is not `a in f`. For multi-word operators upstream checks
 * the boundary after skipping the blanks that follow, so `a not in b` is not an
 * operator while `a in b` is; this reproduces that.
 */
function wordOperator(words: OperatorWords): CustomPatternMatcherFunc {
  return (text: string, offset: number, tokens: IToken[]) => {
    if (tokens[tokens.length - 1]?.tokenType !== Label) return null;
    let position = offset;
    let end = offset;
    for (const word of words) {
      if (!text.startsWith(word, position)) return null;
      position += word.length;
      end = position;
      if (words.length > 1) position = skipBlanks(text, position);
    }
    if (position < text.length && LABEL_CHAR.test(text.charAt(position))) return null;
    return [text.slice(offset, end)];
  };
}

function skipBlanks(text: string, position: number): number {
  let next = position;
  while (next < text.length && BLANK.test(text.charAt(next))) next++;
  return next;
}

/** A context-dependent word operator; `start_chars_hint` keeps the lexer's first-char optimisation on. */
function operatorToken(name: string, words: OperatorWords, category: TokenType): TokenType {
  return createToken({
    name,
    pattern: { exec: wordOperator(words) },
    start_chars_hint: [words[0].charAt(0)],
    line_breaks: false,
    categories: category,
  });
}

export const Contains = operatorToken('Contains', ['contains'], ValueOperator);
export const StartsWith = operatorToken('StartsWith', ['starts', 'with'], ValueOperator);
export const EndsWith = operatorToken('EndsWith', ['ends', 'with'], ValueOperator);
export const NotIn = operatorToken('NotIn', ['not', 'in'], SetOperator);
export const In = operatorToken('In', ['in'], SetOperator);

// Trick: `has(`, `all(` and `global(` are keywords only as that exact prefix, so
// `has == "x"` and `all ()` start with a Label. Blanks are allowed inside the parens.
export const Has = createToken({ name: 'Has', pattern: /has\([ \t]*[a-zA-Z0-9_./-]{1,512}[ \t]*\)/ });
/** `has(` without a label, with a label over 512 characters, or without `)`. */
export const MalformedHas = createToken({
  name: 'MalformedHas',
  pattern: /has\([ \t]*[a-zA-Z0-9_./-]*[ \t]*/,
  categories: Malformed,
});
export const All = createToken({ name: 'All', pattern: /all\([ \t]*\)/ });
export const MalformedAll = createToken({ name: 'MalformedAll', pattern: /all\([ \t]*/, categories: Malformed });
export const Global = createToken({ name: 'Global', pattern: /global\([ \t]*\)/ });
export const MalformedGlobal = createToken({
  name: 'MalformedGlobal',
  pattern: /global\([ \t]*/,
  categories: Malformed,
});

// Trick: the negative lookahead makes a 513-character run fail as a Label as a whole
// (instead of lexing as a 512-character label plus a second label), so it falls
// through to LabelTooLong.
export const Label = createToken({ name: 'Label', pattern: /[a-zA-Z0-9_./-]{1,512}(?![a-zA-Z0-9_./-])/ });
export const LabelTooLong = createToken({ name: 'LabelTooLong', pattern: /[a-zA-Z0-9_./-]+/, categories: Malformed });
/** Anything else (including a newline or a non-ASCII character): upstream finds no identifier. */
export const UnexpectedCharacter = createToken({
  name: 'UnexpectedCharacter',
  // Trick: written as a range because chevrotain's first-character analysis reads
  // `[\s\S]` as whitespace only (and cannot optimise `[^]`), which would leave `%` unmatched.
  pattern: /[\u0000-\uffff]/,
  line_breaks: true,
  categories: Malformed,
});

/** Every token, in the order the lexer tries them. */
export const allTokens: TokenType[] = [
  Blank,
  LParen,
  RParen,
  LBrace,
  RBrace,
  Comma,
  StringLiteral,
  UnterminatedString,
  Eq,
  SingleEquals,
  Ne,
  Not,
  And,
  SingleAmpersand,
  Or,
  SinglePipe,
  Contains,
  StartsWith,
  EndsWith,
  NotIn,
  In,
  Has,
  MalformedHas,
  All,
  MalformedAll,
  Global,
  MalformedGlobal,
  Label,
  LabelTooLong,
  UnexpectedCharacter,
  ValueOperator,
  SetOperator,
  Malformed,
];

/** Builds the lexer. Offsets only: selector text is one line and spans are mapped by the caller. */
export function createSelectorLexer(): LexerInstance {
  return new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true });
}
