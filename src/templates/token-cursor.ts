import type { ParseState } from './fstring-parser.js'
import { LIMITS } from './limits.js'
import { SyntaxFault } from './syntax-fault.js'
import type { Token, Tokenizer } from './tokenizer.js'

/** Token-level helpers shared by the expression and comprehension parsers. */
export class TokenCursor {
  /** End offset of the last token consumed: the end of the node being built. */
  lastEnd: number

  constructor(
    readonly state: ParseState,
    readonly tk: Tokenizer,
  ) {
    this.lastEnd = tk.peek().start
  }

  /** Counts one level of syntactic nesting; callers decrement state.depth when they leave. */
  enter(): void {
    if (++this.state.depth > LIMITS.maxDepth) throw new SyntaxFault(this.tk.peek().start, `expression nested deeper than ${LIMITS.maxDepth} levels`)
  }

  atExpressionEnd(): boolean {
    const token = this.tk.peek()
    return token.type === 'end' || (token.type === 'op' && ['}', '!', ':', '=', ')', ']'].includes(token.value))
  }

  next(): Token {
    const token = this.tk.next()
    this.lastEnd = token.end
    return token
  }

  isOp(value: string): boolean {
    const token = this.tk.peek()
    return token.type === 'op' && token.value === value
  }

  isName(value: string): boolean {
    const token = this.tk.peek()
    return token.type === 'name' && token.value === value
  }

  acceptOp(value: string): boolean {
    if (!this.isOp(value)) return false
    this.next()
    return true
  }

  expectOp(value: string): void {
    if (this.acceptOp(value)) return
    const token = this.tk.peek()
    throw new SyntaxFault(token.start, token.type === 'end' ? `expected '${value}'` : `expected '${value}', found ${describe(token)}`)
  }

  expectName(value: string): void {
    if (this.isName(value)) {
      this.next()
      return
    }
    const token = this.tk.peek()
    throw new SyntaxFault(token.start, `expected '${value}'${token.type === 'end' ? '' : `, found ${describe(token)}`}`)
  }
}

export function describe(token: Token): string {
  if (token.type === 'string') return 'a string literal'
  if (token.type === 'end') return 'the end of the expression'
  return `'${String(token.value)}'`
}
