import type { Field, FStringExpr } from './ast.js'
import { LIMITS } from './limits.js'
import { ExprParser } from './parser.js'
import { SyntaxFault } from './syntax-fault.js'
import { Tokenizer, decodeEscapes } from './tokenizer.js'

export interface ParseState {
  readonly source: string
  /** Current syntactic nesting: parentheses, nested fields and nested f-strings together. */
  depth: number
}

/**
 * Parses the body of an f-string between `start` and `end`: literal text, `{{`/`}}`, fields.
 * `raw` keeps backslashes as written; the template itself is parsed raw (see index.ts).
 */
export function parseFStringBody(state: ParseState, start: number, end: number, raw: boolean): FStringExpr {
  const src = state.source
  const parts: (string | Field)[] = []
  let literal = ''
  let segmentStart = start
  const flush = (until: number): void => {
    const text = src.slice(segmentStart, until)
    literal += raw ? text : decodeEscapes(text, segmentStart)
  }
  let i = start
  while (i < end) {
    const c = src.charAt(i)
    if (c !== '{' && c !== '}') {
      i++
      continue
    }
    flush(i)
    const doubled = i + 1 < end && src.charAt(i + 1) === c
    if (doubled) {
      literal += c
      i += 2
    } else if (c === '}') {
      throw new SyntaxFault(i, "f-string: single '}' is not allowed; write '}}' for a literal brace")
    } else {
      if (literal !== '') parts.push(literal)
      literal = ''
      const field = parseField(state, i, end, raw)
      parts.push(field)
      i = field.end
    }
    segmentStart = i
  }
  flush(end)
  if (literal !== '') parts.push(literal)
  return { kind: 'fstring', parts, start, end }
}

/** One replacement field starting at the `{` at `open`: expression, `=`, `!conversion`, `:spec`, `}`. */
function parseField(state: ParseState, open: number, end: number, raw: boolean): Field {
  const src = state.source
  if (++state.depth > LIMITS.maxDepth) throw new SyntaxFault(open, `expression nested deeper than ${LIMITS.maxDepth} levels`)
  const tk = new Tokenizer(src, open + 1, end)
  const first = tk.peek()
  // Reaching the end of a nested f-string here usually means its quote was reused inside it.
  if (first.type === 'end') throw new SyntaxFault(open, "f-string: expecting '}'")
  if (first.type === 'op' && ['}', '!', ':', '='].includes(first.value)) throw new SyntaxFault(first.start, 'f-string: empty expression not allowed')
  const expr = new ExprParser(state, tk).parseExpressionList()
  let token = tk.peek()
  let selfDoc: string | undefined
  if (token.type === 'op' && token.value === '=') {
    let after = token.end
    while (after < end && /[ \t\f\r\n]/.test(src.charAt(after))) after++
    selfDoc = src.slice(open + 1, after)
    tk.seek(after)
    token = tk.peek()
  }
  let conversion: Field['conversion']
  if (token.type === 'op' && token.value === '!') {
    const c = src.charAt(token.end)
    const following = src.charAt(token.end + 1)
    if ((c !== 'r' && c !== 's' && c !== 'a') || (following !== ':' && following !== '}') || token.end + 1 >= end) {
      throw new SyntaxFault(token.end, "f-string: invalid conversion character: expected 's', 'r', or 'a'")
    }
    conversion = c
    tk.seek(token.end + 1)
    token = tk.peek()
  }
  let spec: FStringExpr | undefined
  let close: number
  if (token.type === 'op' && token.value === ':') {
    spec = parseSpec(state, open, token.end, end, raw)
    close = spec.end
  } else if (token.type === 'op' && token.value === '}') {
    close = token.start
  } else if (token.type === 'end') {
    throw new SyntaxFault(open, "f-string: expecting '}'")
  } else {
    const found = token.type === 'string' ? 'a string literal' : `'${String(token.value)}'`
    throw new SyntaxFault(token.start, `f-string: expecting '}' after the expression, found ${found}`)
  }
  state.depth--
  return { kind: 'field', expr, conversion, spec, selfDoc, start: open, end: close + 1 }
}

/** A format spec: literal text and nested fields, up to the `}` that closes the field. */
function parseSpec(state: ParseState, open: number, start: number, end: number, raw: boolean): FStringExpr {
  const src = state.source
  const parts: (string | Field)[] = []
  let segmentStart = start
  let i = start
  const flush = (): void => {
    const text = src.slice(segmentStart, i)
    if (text !== '') parts.push(raw ? text : decodeEscapes(text, segmentStart))
  }
  while (i < end) {
    const c = src.charAt(i)
    if (c === '}') {
      flush()
      return { kind: 'fstring', parts, start, end: i }
    }
    if (c === '{') {
      if (src.charAt(i + 1) === '{') throw new SyntaxFault(i, "f-string: '{{' is not allowed in a format spec")
      flush()
      const field = parseField(state, i, end, raw)
      parts.push(field)
      i = field.end
      segmentStart = i
      continue
    }
    i++
  }
  throw new SyntaxFault(open, "f-string: expecting '}'")
}
