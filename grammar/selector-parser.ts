/**
 * The Calico selector grammar (libcalico-go `selector/parser`), as a pure chevrotain
 * CstParser: rules only, no actions. `src/selector/` turns the CST into the AST and
 * maps parse errors to upstream's messages.
 *
 *   selector        := EOF | orExpression
 *   orExpression    := andExpression ( "||" andExpression )*
 *   andExpression   := operation ( "&&" operation )*
 *   operation       := "!"* ( has(L) | all() | global() | group | labelOperation )
 *   group           := "(" orExpression ")"
 *   labelOperation  := Label ( valueComparison | setMembership )
 *   valueComparison := ( "==" | "!=" | contains | starts with | ends with ) String
 *   setMembership   := ( in | not in ) "{" [ String ( "," String )* [ "," ] ] "}"
 *
 * Precedence falls out of the nesting: `!` binds tighter than `&&`, `&&` tighter than `||`.
 * The rules mirror upstream's recursive descent one to one, so that each kind of syntax
 * error is raised in the same rule (and against the same token) as upstream raises it.
 * Error recovery stays off: parsing stops at the first error, as upstream does.
 */
import { CstParser, EOF } from './chevrotain.js';
import {
  All,
  allTokens,
  And,
  Comma,
  Global,
  Has,
  Label,
  LBrace,
  LParen,
  Not,
  Or,
  RBrace,
  RParen,
  SetOperator,
  StringLiteral,
  ValueOperator,
} from './selector-tokens.js';

export class SelectorParser extends CstParser {
  constructor() {
    super(allTokens, { recoveryEnabled: false, maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  // Trick: an empty (or blank) selector is valid and means all(). Matching EOF as an
  // alternative, rather than making orExpression optional, keeps `)` an "unexpected
  // token" (as upstream) instead of "unexpected content at end of selector".
  public readonly selector = this.RULE('selector', () => {
    this.OR([{ ALT: () => this.CONSUME(EOF) }, { ALT: () => this.SUBRULE(this.orExpression) }]);
  });

  public readonly orExpression = this.RULE('orExpression', () => {
    this.SUBRULE(this.andExpression);
    this.MANY(() => {
      this.CONSUME(Or);
      this.SUBRULE2(this.andExpression);
    });
  });

  public readonly andExpression = this.RULE('andExpression', () => {
    this.SUBRULE(this.operation);
    this.MANY(() => {
      this.CONSUME(And);
      this.SUBRULE2(this.operation);
    });
  });

  public readonly operation = this.RULE('operation', () => {
    this.MANY(() => this.CONSUME(Not));
    this.OR([
      { ALT: () => this.CONSUME(Has) },
      { ALT: () => this.CONSUME(All) },
      { ALT: () => this.CONSUME(Global) },
      { ALT: () => this.SUBRULE(this.group) },
      { ALT: () => this.SUBRULE(this.labelOperation) },
    ]);
  });

  public readonly group = this.RULE('group', () => {
    this.CONSUME(LParen);
    this.SUBRULE(this.orExpression);
    this.CONSUME(RParen);
  });

  public readonly labelOperation = this.RULE('labelOperation', () => {
    this.CONSUME(Label);
    this.OR([
      { ALT: () => this.SUBRULE(this.valueComparison) },
      { ALT: () => this.SUBRULE(this.setMembership) },
    ]);
  });

  // Trick: the operators are token categories, so one CONSUME accepts any of them.
  public readonly valueComparison = this.RULE('valueComparison', () => {
    this.CONSUME(ValueOperator);
    this.CONSUME(StringLiteral);
  });

  // Trick: `"a",}` (trailing comma) and `"a","b"` both start with a comma; the
  // two-token lookahead (maxLookahead 2) tells the loop from the optional final comma.
  public readonly setMembership = this.RULE('setMembership', () => {
    this.CONSUME(SetOperator);
    this.CONSUME(LBrace);
    this.OPTION(() => {
      this.CONSUME(StringLiteral);
      this.MANY(() => {
        this.CONSUME(Comma);
        this.CONSUME2(StringLiteral);
      });
      this.OPTION2(() => this.CONSUME2(Comma));
    });
    this.CONSUME(RBrace);
  });
}
