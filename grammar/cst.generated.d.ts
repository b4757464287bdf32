// Generated from grammar/selector-parser.ts by chevrotain generateCstDts. Do not edit.
// Regenerate: CALPOL_UPDATE_CST=1 npx vitest run test/selector/cst-types.test.ts
import type { CstNode, ICstVisitor, IToken } from "chevrotain";

export interface SelectorCstNode extends CstNode {
  name: "selector";
  children: SelectorCstChildren;
}

export type SelectorCstChildren = {
  EOF?: IToken[];
  orExpression?: OrExpressionCstNode[];
};

export interface OrExpressionCstNode extends CstNode {
  name: "orExpression";
  children: OrExpressionCstChildren;
}

export type OrExpressionCstChildren = {
  andExpression: (AndExpressionCstNode)[];
  Or?: IToken[];
};

export interface AndExpressionCstNode extends CstNode {
  name: "andExpression";
  children: AndExpressionCstChildren;
}

export type AndExpressionCstChildren = {
  operation: (OperationCstNode)[];
  And?: IToken[];
};

export interface OperationCstNode extends CstNode {
  name: "operation";
  children: OperationCstChildren;
}

export type OperationCstChildren = {
  Not?: IToken[];
  Has?: IToken[];
  All?: IToken[];
  Global?: IToken[];
  group?: GroupCstNode[];
  labelOperation?: LabelOperationCstNode[];
};

export interface GroupCstNode extends CstNode {
  name: "group";
  children: GroupCstChildren;
}

export type GroupCstChildren = {
  LParen: IToken[];
  orExpression: OrExpressionCstNode[];
  RParen: IToken[];
};

export interface LabelOperationCstNode extends CstNode {
  name: "labelOperation";
  children: LabelOperationCstChildren;
}

export type LabelOperationCstChildren = {
  Label: IToken[];
  valueComparison?: ValueComparisonCstNode[];
  setMembership?: SetMembershipCstNode[];
};

export interface ValueComparisonCstNode extends CstNode {
  name: "valueComparison";
  children: ValueComparisonCstChildren;
}

export type ValueComparisonCstChildren = {
  ValueOperator: IToken[];
  StringLiteral: IToken[];
};

export interface SetMembershipCstNode extends CstNode {
  name: "setMembership";
  children: SetMembershipCstChildren;
}

export type SetMembershipCstChildren = {
  SetOperator: IToken[];
  LBrace: IToken[];
  StringLiteral?: (IToken)[];
  Comma?: (IToken)[];
  RBrace: IToken[];
};

export interface ICstNodeVisitor<IN, OUT> extends ICstVisitor<IN, OUT> {
  selector(children: SelectorCstChildren, param?: IN): OUT;
  orExpression(children: OrExpressionCstChildren, param?: IN): OUT;
  andExpression(children: AndExpressionCstChildren, param?: IN): OUT;
  operation(children: OperationCstChildren, param?: IN): OUT;
  group(children: GroupCstChildren, param?: IN): OUT;
  labelOperation(children: LabelOperationCstChildren, param?: IN): OUT;
  valueComparison(children: ValueComparisonCstChildren, param?: IN): OUT;
  setMembership(children: SetMembershipCstChildren, param?: IN): OUT;
}
