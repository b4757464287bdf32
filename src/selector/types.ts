/**
 * The selector AST. Every node carries the offset/length of the source text it came
 * from (0-based, in UTF-16 units of the selector string), so diagnostics can point
 * into the YAML scalar that held the selector.
 */
export interface SourceRange {
  offset: number;
  length: number;
}

export type SelectorNode =
  | { kind: 'all'; range: SourceRange }
  | { kind: 'global'; range: SourceRange }
  | { kind: 'has'; label: string; range: SourceRange }
  | { kind: 'eq'; label: string; value: string; range: SourceRange }
  | { kind: 'ne'; label: string; value: string; range: SourceRange }
  | { kind: 'contains'; label: string; value: string; range: SourceRange }
  | { kind: 'startsWith'; label: string; value: string; range: SourceRange }
  | { kind: 'endsWith'; label: string; value: string; range: SourceRange }
  /** `values` sorted (bytewise) and de-duplicated, as upstream keeps them. */
  | { kind: 'in'; label: string; values: string[]; range: SourceRange }
  | { kind: 'notIn'; label: string; values: string[]; range: SourceRange }
  | { kind: 'not'; operand: SelectorNode; range: SourceRange }
  | { kind: 'and'; operands: SelectorNode[]; range: SourceRange }
  | { kind: 'or'; operands: SelectorNode[]; range: SourceRange };

export interface Selector {
  /** The text as written. */
  source: string;
  root: SelectorNode;
  /** Upstream's canonical rendering (`Selector.String()`). */
  canonical: string;
  /** `s:` + base64url(no padding)(SHA-224(`s:` + canonical)), as upstream's UniqueID. */
  id: string;
}

/** A parse error: upstream's wording, and where in the selector text it was found. */
export interface SelectorError {
  message: string;
  offset: number;
  length: number;
}

export type SelectorResult = { ok: true; selector: Selector } | { ok: false; error: SelectorError };

/** Labels as a lookup; a plain object is accepted too by `matches`. */
export type Labels = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/** Upstream's token kinds (`tokenizer.Kind`), as `tokenize` reports them. */
export type TokenKind =
  | 'TokLabel'
  | 'TokStringLiteral'
  | 'TokLBrace'
  | 'TokRBrace'
  | 'TokComma'
  | 'TokEq'
  | 'TokNe'
  | 'TokIn'
  | 'TokNot'
  | 'TokNotIn'
  | 'TokContains'
  | 'TokStartsWith'
  | 'TokEndsWith'
  | 'TokAll'
  | 'TokHas'
  | 'TokLParen'
  | 'TokRParen'
  | 'TokAnd'
  | 'TokOr'
  | 'TokGlobal'
  | 'TokEOF';

/**
 * One token as upstream's tokenizer would produce it. `value` is set for labels, string
 * literals (without quotes) and `has(label)` (the label), as upstream's `Token.Value`.
 */
export interface SelectorToken {
  kind: TokenKind;
  value?: string;
  range: SourceRange;
}

export type TokenizeResult = { ok: true; tokens: SelectorToken[] } | { ok: false; error: SelectorError };

/** One input of `testSelectors`: a selector and, optionally, labels to evaluate it against. */
export interface SelectorTestCase {
  selector: string;
  labels?: Readonly<Record<string, string>>;
}

/** The outcome of one `testSelectors` case; fields that do not apply are null. */
export interface SelectorTestResult {
  selector: string;
  valid: boolean;
  canonical: string | null;
  id: string | null;
  /** Whether the labels match; null when the case had no labels or the selector is invalid. */
  match: boolean | null;
  /** Upstream's error message; null when valid. */
  error: string | null;
}
