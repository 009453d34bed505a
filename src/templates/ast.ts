import type { Value } from './values.js'

/** Offsets into the template source, kept on every node so runtime errors can point at the expression. */
export interface Span {
  readonly start: number
  readonly end: number
}

export type Expr =
  | ConstExpr
  | NameExpr
  | FStringExpr
  | ListExpr
  | TupleExpr
  | SubscriptExpr
  | CallExpr
  | MethodCallExpr
  | ComprehensionExpr
  | IfExpr
  | BoolOpExpr
  | NotExpr
  | CompareExpr
  | BinOpExpr
  | UnaryExpr

export interface ConstExpr extends Span {
  readonly kind: 'const'
  readonly value: Value
}

export interface NameExpr extends Span {
  readonly kind: 'name'
  readonly id: string
  /** Set by the resolver: a comprehension variable, or a template variable. */
  binding: 'local' | 'variable'
}

/** Literal parts (already unescaped) and replacement fields, in order. */
export interface FStringExpr extends Span {
  readonly kind: 'fstring'
  readonly parts: readonly (string | Field)[]
}

export interface Field extends Span {
  readonly kind: 'field'
  readonly expr: Expr
  readonly conversion: 'r' | 's' | 'a' | undefined
  readonly spec: FStringExpr | undefined
  /** The `expr=` text of a self-documenting field, printed before the value. */
  readonly selfDoc: string | undefined
}

export interface ListExpr extends Span {
  readonly kind: 'list'
  readonly items: readonly Expr[]
}

export interface TupleExpr extends Span {
  readonly kind: 'tuple'
  readonly items: readonly Expr[]
}

export interface Slice extends Span {
  readonly kind: 'slice'
  readonly lower: Expr | undefined
  readonly upper: Expr | undefined
  readonly step: Expr | undefined
}

export interface SubscriptExpr extends Span {
  readonly kind: 'subscript'
  readonly object: Expr
  readonly index: Expr | Slice
}

export interface KeywordArg {
  readonly name: string
  readonly value: Expr
  readonly start: number
}

export interface CallExpr extends Span {
  readonly kind: 'call'
  readonly callee: string
  readonly calleeStart: number
  readonly args: readonly Expr[]
  readonly keywords: readonly KeywordArg[]
  /** Set by the resolver. */
  target: 'host' | 'builtin'
}

export interface MethodCallExpr extends Span {
  readonly kind: 'method'
  readonly object: Expr
  readonly method: string
  readonly methodStart: number
  readonly args: readonly Expr[]
  readonly keywords: readonly KeywordArg[]
}

export type Target = { readonly kind: 'name'; readonly id: string; readonly start: number } | { readonly kind: 'unpack'; readonly items: readonly Target[]; readonly start: number }

export interface ComprehensionClause {
  readonly target: Target
  readonly iter: Expr
  readonly conditions: readonly Expr[]
}

/** List comprehension, or a generator expression (which renders as the list it would produce). */
export interface ComprehensionExpr extends Span {
  readonly kind: 'comprehension'
  readonly element: Expr
  readonly clauses: readonly ComprehensionClause[]
}

export interface IfExpr extends Span {
  readonly kind: 'if'
  readonly test: Expr
  readonly body: Expr
  readonly orelse: Expr
}

export interface BoolOpExpr extends Span {
  readonly kind: 'boolop'
  readonly op: 'and' | 'or'
  readonly values: readonly Expr[]
}

export interface NotExpr extends Span {
  readonly kind: 'not'
  readonly operand: Expr
}

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'is' | 'is not'

export interface CompareExpr extends Span {
  readonly kind: 'compare'
  readonly left: Expr
  readonly ops: readonly CompareOp[]
  readonly comparators: readonly Expr[]
}

export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**'

export interface BinOpExpr extends Span {
  readonly kind: 'binop'
  readonly op: BinaryOp
  readonly left: Expr
  readonly right: Expr
}

export interface UnaryExpr extends Span {
  readonly kind: 'unary'
  readonly op: '-' | '+'
  readonly operand: Expr
}
