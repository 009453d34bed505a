import type { ComprehensionClause, ComprehensionExpr, Expr, Target } from './ast.js'
import { KEYWORDS } from './names.js'
import type { ExprParser } from './parser.js'
import { SyntaxFault } from './syntax-fault.js'
import type { TokenCursor } from './token-cursor.js'

/**
 * The `for … in … if …` clauses after `element`, up to (not including) `close`. Iterables and
 * conditions are or-expressions, as in Python's grammar, so `x if c else y` needs parentheses there.
 */
export function parseComprehension(parser: ExprParser, element: Expr, close: string): ComprehensionExpr {
  const clauses: ComprehensionClause[] = []
  while (parser.isName('for')) {
    parser.next()
    const target = parseTargetList(parser)
    parser.expectName('in')
    const iter = parser.parseOr()
    const conditions: Expr[] = []
    while (parser.isName('if')) {
      parser.next()
      conditions.push(parser.parseOr())
    }
    clauses.push({ target, iter, conditions })
  }
  if (!parser.isOp(close)) throw new SyntaxFault(parser.tk.peek().start, `expected '${close}'`)
  return { kind: 'comprehension', element, clauses, start: element.start, end: parser.lastEnd }
}

/** `k`, `k, v`, `(k, v)`, `i, (k, v)`: names and nested tuples of names only. */
function parseTargetList(cursor: TokenCursor): Target {
  const first = parseTarget(cursor)
  if (!cursor.isOp(',')) return first
  const items = [first]
  while (cursor.acceptOp(',') && !cursor.isName('in')) items.push(parseTarget(cursor))
  return { kind: 'unpack', items, start: first.start }
}

function parseTarget(cursor: TokenCursor): Target {
  const token = cursor.next()
  if (token.type === 'name' && !KEYWORDS.has(token.value)) return { kind: 'name', id: token.value, start: token.start }
  if (token.type === 'op' && (token.value === '(' || token.value === '[')) {
    const close = token.value === '(' ? ')' : ']'
    const items: Target[] = []
    cursor.enter()
    while (!cursor.isOp(close)) {
      items.push(parseTarget(cursor))
      if (!cursor.acceptOp(',')) break
    }
    cursor.expectOp(close)
    cursor.state.depth--
    return { kind: 'unpack', items, start: token.start }
  }
  throw new SyntaxFault(token.start, 'a comprehension variable must be a name or a tuple of names')
}
