import type { CompareOp, Expr, FStringExpr, KeywordArg, Slice } from './ast.js'
import { parseComprehension } from './comprehension-parser.js'
import { parseFStringBody } from './fstring-parser.js'
import { KEYWORDS, isMethodName, refusal } from './names.js'
import { SyntaxFault } from './syntax-fault.js'
import { TokenCursor, describe } from './token-cursor.js'
import type { Token } from './tokenizer.js'

const UNSUPPORTED_KEYWORDS = new Map([
  ['lambda', 'lambda expressions are not supported'],
  ['yield', "'yield' is not supported"],
  ['await', "'await' is not supported"],
  ['import', "'import' is not supported"],
])

/** Recursive-descent parser for the Python expression subset, one method per precedence level. */
export class ExprParser extends TokenCursor {
  /** `a, b` at the top of a replacement field is a tuple, as in Python. */
  parseExpressionList(): Expr {
    const first = this.parseTernary()
    if (!this.isOp(',')) return first
    const items = [first]
    while (this.acceptOp(',')) {
      if (this.atExpressionEnd()) break
      items.push(this.parseTernary())
    }
    return { kind: 'tuple', items, start: first.start, end: this.lastEnd }
  }

  parseTernary(): Expr {
    this.enter()
    const body = this.parseOr()
    let result = body
    if (this.isName('if')) {
      this.next()
      const test = this.parseOr()
      this.expectName('else')
      const orelse = this.parseTernary()
      result = { kind: 'if', test, body, orelse, start: body.start, end: orelse.end }
    }
    this.state.depth--
    return result
  }

  parseOr(): Expr {
    return this.parseBool('or', () => this.parseAnd())
  }

  private parseAnd(): Expr {
    return this.parseBool('and', () => this.parseNot())
  }

  private parseBool(op: 'and' | 'or', operand: () => Expr): Expr {
    const first = operand()
    if (!this.isName(op)) return first
    const values = [first]
    while (this.isName(op)) {
      this.next()
      values.push(operand())
    }
    return { kind: 'boolop', op, values, start: first.start, end: this.lastEnd }
  }

  private parseNot(): Expr {
    if (!this.isName('not')) return this.parseComparison()
    const start = this.next().start
    this.enter()
    const operand = this.parseNot()
    this.state.depth--
    return { kind: 'not', operand, start, end: operand.end }
  }

  private parseComparison(): Expr {
    const left = this.parseArith()
    const ops: CompareOp[] = []
    const comparators: Expr[] = []
    for (;;) {
      const op = this.compareOp()
      if (op === undefined) break
      ops.push(op)
      comparators.push(this.parseArith())
    }
    if (ops.length === 0) return left
    return { kind: 'compare', left, ops, comparators, start: left.start, end: this.lastEnd }
  }

  private compareOp(): CompareOp | undefined {
    const token = this.tk.peek()
    if (token.type === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(token.value)) {
      this.next()
      return token.value as CompareOp
    }
    if (token.type !== 'name') return undefined
    if (token.value === 'in') {
      this.next()
      return 'in'
    }
    if (token.value === 'not') {
      this.next()
      this.expectName('in')
      return 'not in'
    }
    if (token.value === 'is') {
      this.next()
      if (!this.isName('not')) return 'is'
      this.next()
      return 'is not'
    }
    return undefined
  }

  private parseArith(): Expr {
    let left = this.parseTerm()
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().value as '+' | '-'
      const right = this.parseTerm()
      left = { kind: 'binop', op, left, right, start: left.start, end: right.end }
    }
    return left
  }

  private parseTerm(): Expr {
    let left = this.parseFactor()
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const op = this.next().value as '*' | '/' | '//' | '%'
      const right = this.parseFactor()
      left = { kind: 'binop', op, left, right, start: left.start, end: right.end }
    }
    return left
  }

  private parseFactor(): Expr {
    if (this.isOp('-') || this.isOp('+')) {
      const token = this.next()
      this.enter()
      const operand = this.parseFactor()
      this.state.depth--
      return { kind: 'unary', op: token.value as '-' | '+', operand, start: token.start, end: operand.end }
    }
    return this.parsePower()
  }

  private parsePower(): Expr {
    const base = this.parsePostfix()
    if (!this.isOp('**')) return base
    this.next()
    this.enter()
    const exponent = this.parseFactor()
    this.state.depth--
    return { kind: 'binop', op: '**', left: base, right: exponent, start: base.start, end: exponent.end }
  }

  private parsePostfix(): Expr {
    let node = this.parseAtom()
    for (;;) {
      if (this.isOp('(')) {
        if (node.kind !== 'name') throw new SyntaxFault(this.tk.peek().start, 'only functions and methods can be called')
        this.next()
        const { args, keywords } = this.parseArguments()
        node = { kind: 'call', callee: node.id, calleeStart: node.start, args, keywords, target: 'builtin', start: node.start, end: this.lastEnd }
      } else if (this.isOp('[')) {
        this.next()
        const index = this.parseSubscript()
        this.expectOp(']')
        node = { kind: 'subscript', object: node, index, start: node.start, end: this.lastEnd }
      } else if (this.isOp('.')) {
        this.next()
        const nameToken = this.next()
        if (nameToken.type !== 'name') throw new SyntaxFault(nameToken.start, `expected a method name after '.', found ${describe(nameToken)}`)
        const method = nameToken.value
        const refused = refusal(method)
        if (refused !== undefined) throw new SyntaxFault(nameToken.start, refused)
        if (!this.isOp('(')) throw new SyntaxFault(nameToken.start, `attribute access is not supported; only method calls like .${method}(...) are`)
        if (!isMethodName(method)) throw new SyntaxFault(nameToken.start, `unknown method '${method}'`)
        this.next()
        const { args, keywords } = this.parseArguments()
        node = { kind: 'method', object: node, method, methodStart: nameToken.start, args, keywords, start: node.start, end: this.lastEnd }
      } else {
        return node
      }
    }
  }

  private parseArguments(): { args: Expr[]; keywords: KeywordArg[] } {
    const args: Expr[] = []
    const keywords: KeywordArg[] = []
    while (!this.isOp(')')) {
      if (this.isOp('*') || this.isOp('**')) throw new SyntaxFault(this.tk.peek().start, 'argument unpacking is not supported')
      const token = this.tk.peek()
      if (token.type === 'name' && !KEYWORDS.has(token.value)) {
        this.next()
        if (this.isOp('=')) {
          this.next()
          if (keywords.some((k) => k.name === token.value)) throw new SyntaxFault(token.start, `keyword argument repeated: ${token.value}`)
          const refused = refusal(token.value)
          if (refused !== undefined) throw new SyntaxFault(token.start, refused)
          keywords.push({ name: token.value, value: this.parseTernary(), start: token.start })
          if (!this.acceptOp(',')) break
          continue
        }
        this.tk.seek(token.start)
      }
      if (keywords.length > 0) throw new SyntaxFault(token.start, 'positional argument follows keyword argument')
      const arg = this.parseTernary()
      if (this.isName('for')) {
        if (args.length > 0) throw new SyntaxFault(arg.start, 'generator expression must be parenthesized')
        args.push(parseComprehension(this, arg, ')'))
        break
      }
      args.push(arg)
      if (!this.acceptOp(',')) break
    }
    this.expectOp(')')
    return { args, keywords }
  }

  private parseSubscript(): Expr | Slice {
    const start = this.tk.peek().start
    const lower = this.isOp(':') ? undefined : this.parseExpressionListUntil(']')
    if (!this.isOp(':')) {
      if (lower === undefined) throw new SyntaxFault(start, 'expected an index')
      return lower
    }
    this.next()
    const upper = this.isOp(':') || this.isOp(']') ? undefined : this.parseTernary()
    let step: Expr | undefined
    if (this.acceptOp(':')) step = this.isOp(']') ? undefined : this.parseTernary()
    return { kind: 'slice', lower, upper, step, start, end: this.lastEnd }
  }

  private parseExpressionListUntil(close: string): Expr {
    const first = this.parseTernary()
    if (!this.isOp(',')) return first
    const items = [first]
    while (this.acceptOp(',') && !this.isOp(close)) items.push(this.parseTernary())
    return { kind: 'tuple', items, start: first.start, end: this.lastEnd }
  }

  private parseAtom(): Expr {
    const token = this.tk.peek()
    switch (token.type) {
      case 'int':
      case 'float':
        this.next()
        return { kind: 'const', value: token.value, start: token.start, end: token.end }
      case 'string':
        return this.parseStrings()
      case 'name':
        return this.parseNameAtom(token)
      case 'end':
        throw new SyntaxFault(token.start, 'expected an expression')
      default:
        break
    }
    if (token.value === '(') return this.parseParenthesized()
    if (token.value === '[') return this.parseListDisplay()
    if (token.value === '{') throw new SyntaxFault(token.start, 'dict and set displays are not supported')
    if (token.value === '*') throw new SyntaxFault(token.start, 'starred expressions are not supported')
    throw new SyntaxFault(token.start, `expected an expression, found ${describe(token)}`)
  }

  private parseNameAtom(token: Token & { type: 'name' }): Expr {
    const id = token.value
    const constant = id === 'True' ? true : id === 'False' ? false : id === 'None' ? null : undefined
    this.next()
    if (constant !== undefined) return { kind: 'const', value: constant, start: token.start, end: token.end }
    const unsupported = UNSUPPORTED_KEYWORDS.get(id)
    if (unsupported !== undefined) throw new SyntaxFault(token.start, unsupported)
    if (KEYWORDS.has(id)) throw new SyntaxFault(token.start, `invalid syntax: unexpected keyword '${id}'`)
    return { kind: 'name', id, binding: 'variable', start: token.start, end: token.end }
  }

  /** Adjacent literals concatenate, as in Python; any f-string among them makes the whole an f-string. */
  private parseStrings(): Expr {
    const start = this.tk.peek().start
    const parts: (string | FStringExpr['parts'][number])[] = []
    let isF = false
    for (let token = this.tk.peek(); token.type === 'string'; token = this.tk.peek()) {
      this.next()
      if (token.fstring) {
        isF = true
        parts.push(...parseFStringBody(this.state, token.bodyStart, token.bodyEnd, token.raw).parts)
      } else {
        parts.push(token.value)
      }
    }
    if (!isF) return { kind: 'const', value: parts.join(''), start, end: this.lastEnd }
    return { kind: 'fstring', parts, start, end: this.lastEnd }
  }

  private parseParenthesized(): Expr {
    const start = this.next().start
    if (this.acceptOp(')')) return { kind: 'tuple', items: [], start, end: this.lastEnd }
    const first = this.parseTernary()
    if (this.isName('for')) {
      const comprehension = parseComprehension(this, first, ')')
      this.expectOp(')')
      return { ...comprehension, start, end: this.lastEnd }
    }
    if (!this.isOp(',')) {
      this.expectOp(')')
      return first
    }
    const items = [first]
    while (this.acceptOp(',') && !this.isOp(')')) items.push(this.parseTernary())
    this.expectOp(')')
    return { kind: 'tuple', items, start, end: this.lastEnd }
  }

  private parseListDisplay(): Expr {
    const start = this.next().start
    const items: Expr[] = []
    while (!this.isOp(']')) {
      const item = this.parseTernary()
      if (items.length === 0 && this.isName('for')) {
        const comprehension = parseComprehension(this, item, ']')
        this.expectOp(']')
        return { ...comprehension, start, end: this.lastEnd }
      }
      items.push(item)
      if (!this.acceptOp(',')) break
    }
    this.expectOp(']')
    return { kind: 'list', items, start, end: this.lastEnd }
  }
}
