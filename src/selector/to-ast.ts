import type { CstNode, IToken, TokenType } from 'chevrotain';
import type {
  AndExpressionCstChildren,
  GroupCstChildren,
  ICstNodeVisitor,
  LabelOperationCstChildren,
  OperationCstChildren,
  OrExpressionCstChildren,
  SelectorCstChildren,
  SetMembershipCstChildren,
  ValueComparisonCstChildren,
} from '../../grammar/cst.generated.js';
import * as grammar from '../../grammar/selector-tokens.js';
import { sortedUnique } from './canonical.js';
import { selectorParser } from './engine.js';
import { hasLabel, stringValue } from './tokens.js';
import type { SelectorNode, SourceRange } from './types.js';

type ValueKind = 'eq' | 'ne' | 'contains' | 'startsWith' | 'endsWith';

const VALUE_KIND = new Map<TokenType, ValueKind>([
  [grammar.Eq, 'eq'],
  [grammar.Ne, 'ne'],
  [grammar.Contains, 'contains'],
  [grammar.StartsWith, 'startsWith'],
  [grammar.EndsWith, 'endsWith'],
]);

/** The range from the start of `first` to the end of `last`. */
function cover(first: SourceRange, last: SourceRange): SourceRange {
  return { offset: first.offset, length: last.offset + last.length - first.offset };
}

function rangeOf(token: IToken): SourceRange {
  return { offset: token.startOffset, length: token.image.length };
}

/** The token the grammar guarantees is there (CST children are arrays). */
function only(tokens: IToken[] | undefined): IToken {
  const token = tokens?.[0];
  if (!token) throw new Error('selector CST: expected token is missing');
  return token;
}

const BaseVisitor = selectorParser.getBaseCstVisitorConstructor<IToken | undefined, SelectorNode>();

/**
 * Builds the AST from a successfully parsed CST. The `param` of the label operations
 * is the label token, which sits one rule up. Parentheses leave no node of their own
 * (as upstream); the node they enclose gets a range that includes them.
 */
class AstBuilder extends BaseVisitor implements ICstNodeVisitor<IToken | undefined, SelectorNode> {
  constructor() {
    super();
    this.validateVisitor();
  }

  selector(children: SelectorCstChildren): SelectorNode {
    if (children.orExpression) return this.visit(children.orExpression);
    return { kind: 'all', range: { offset: 0, length: 0 } };
  }

  orExpression(children: OrExpressionCstChildren): SelectorNode {
    return this.junction('or', children.andExpression);
  }

  andExpression(children: AndExpressionCstChildren): SelectorNode {
    return this.junction('and', children.operation);
  }

  /** One operand stays as it is; upstream builds an AND/OR node only for two or more. */
  private junction(kind: 'and' | 'or', nodes: CstNode[]): SelectorNode {
    const operands = nodes.map((node) => this.visit(node));
    // The grammar guarantees at least one operand.
    const first = operands[0] as SelectorNode;
    const last = operands[operands.length - 1] as SelectorNode;
    if (operands.length === 1) return first;
    return { kind, operands, range: cover(first.range, last.range) };
  }

  /** A run of `!` collapses by parity: an even run leaves the operand un-negated. */
  operation(children: OperationCstChildren): SelectorNode {
    const operand = this.operand(children);
    const firstNot = children.Not?.[0];
    if (!firstNot) return operand;
    const range = cover(rangeOf(firstNot), operand.range);
    if ((children.Not?.length ?? 0) % 2 === 0) return { ...operand, range };
    return { kind: 'not', operand, range };
  }

  private operand(children: OperationCstChildren): SelectorNode {
    if (children.Has) {
      const token = only(children.Has);
      return { kind: 'has', label: hasLabel(token), range: rangeOf(token) };
    }
    if (children.All) return { kind: 'all', range: rangeOf(only(children.All)) };
    if (children.Global) return { kind: 'global', range: rangeOf(only(children.Global)) };
    if (children.group) return this.visit(children.group);
    if (children.labelOperation) return this.visit(children.labelOperation);
    throw new Error('selector CST: operation without an operand');
  }

  group(children: GroupCstChildren): SelectorNode {
    const inner = this.visit(children.orExpression);
    return { ...inner, range: cover(rangeOf(only(children.LParen)), rangeOf(only(children.RParen))) };
  }

  labelOperation(children: LabelOperationCstChildren): SelectorNode {
    const label = only(children.Label);
    if (children.valueComparison) return this.visit(children.valueComparison, label);
    if (children.setMembership) return this.visit(children.setMembership, label);
    throw new Error('selector CST: label without an operator');
  }

  valueComparison(children: ValueComparisonCstChildren, label?: IToken): SelectorNode {
    const operator = only(children.ValueOperator);
    const literal = only(children.StringLiteral);
    const kind = VALUE_KIND.get(operator.tokenType);
    if (!kind || !label) throw new Error(`selector CST: unexpected value operator ${operator.image}`);
    return { kind, label: label.image, value: stringValue(literal), range: cover(rangeOf(label), rangeOf(literal)) };
  }

  setMembership(children: SetMembershipCstChildren, label?: IToken): SelectorNode {
    if (!label) throw new Error('selector CST: set membership without a label');
    const kind = only(children.SetOperator).tokenType === grammar.In ? 'in' : 'notIn';
    const values = sortedUnique((children.StringLiteral ?? []).map(stringValue));
    return { kind, label: label.image, values, range: cover(rangeOf(label), rangeOf(only(children.RBrace))) };
  }
}

const astBuilder = new AstBuilder();

/** The AST of a CST that parsed without errors. */
export function buildAst(cst: CstNode): SelectorNode {
  return astBuilder.visit(cst);
}
