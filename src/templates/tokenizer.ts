import { SyntaxFault } from './syntax-fault.js'

/**
 * On-demand tokenizer over a window of the template. The parser drives it because an f-string
 * switches between expression tokens and raw text (format specs, conversions) at positions only
 * the parser knows, and nested f-strings re-enter it on a narrower window.
 */
export type Token =
  | { readonly type: 'name'; readonly value: string; readonly start: number; readonly end: number }
  | { readonly type: 'int'; readonly value: bigint; readonly start: number; readonly end: number }
  | { readonly type: 'float'; readonly value: number; readonly start: number; readonly end: number }
  | { readonly type: 'op'; readonly value: string; readonly start: number; readonly end: number }
  | { readonly type: 'end'; readonly value: ''; readonly start: number; readonly end: number }
  | StringToken

export interface StringToken {
  readonly type: 'string'
  readonly value: string
  readonly start: number
  readonly end: number
  readonly raw: boolean
  readonly fstring: boolean
  readonly bodyStart: number
  readonly bodyEnd: number
}

const OPERATORS = ['**', '//', '==', '!=', '<=', '>=', '(', ')', '[', ']', ',', ':', '.', '+', '-', '*', '/', '%', '<', '>', '=', '!', '{', '}']
const UNSUPPORTED_OPERATORS = ['<<', '>>', '...', '~', '|', '&', '^', '@', ';']
/** Python refuses int literals over 4,300 digits; BigInt() of a longer one would be slow anyway. */
const MAX_INT_LITERAL_LENGTH = 4300
const ID_START = /[\p{L}\p{Nl}_]/u
const ID_CONTINUE = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}\u00b7\u200c\u200d]/u
const STRING_PREFIX = /^(?:[rRuUfF]|[rR][fF]|[fF][rR])$/
const BYTES_PREFIX = /^(?:[bB]|[rR][bB]|[bB][rR])$/

export class Tokenizer {
  private pos: number
  private peeked: Token | undefined

  constructor(
    readonly source: string,
    start: number,
    private readonly limit: number,
  ) {
    this.pos = start
  }

  /** Repositions the cursor, dropping any token already looked at. */
  seek(pos: number): void {
    this.pos = pos
    this.peeked = undefined
  }

  peek(): Token {
    this.peeked ??= this.scan()
    return this.peeked
  }

  next(): Token {
    const token = this.peek()
    this.peeked = undefined
    return token
  }

  private scan(): Token {
    const src = this.source
    while (this.pos < this.limit && /[ \t\f\r\n]/.test(src.charAt(this.pos))) this.pos++
    const start = this.pos
    if (start >= this.limit) return { type: 'end', value: '', start, end: start }
    const ch = src.charAt(start)
    if (ch === '#') throw new SyntaxFault(start, "f-string expression part cannot include '#'")
    if (ch === '\\') throw new SyntaxFault(start, 'unexpected character after line continuation character')
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(src.charAt(start + 1)))) return this.scanNumber(start)
    if (ch === '"' || ch === "'") return this.scanString(start, '')
    const cp = src.codePointAt(start) ?? 0
    if (ID_START.test(String.fromCodePoint(cp))) {
      let end = start + (cp > 0xffff ? 2 : 1)
      while (end < this.limit) {
        const c = String.fromCodePoint(src.codePointAt(end) ?? 0)
        if (!ID_CONTINUE.test(c)) break
        end += c.length
      }
      const word = src.slice(start, end)
      const quote = src.charAt(end)
      if ((quote === '"' || quote === "'") && end < this.limit) {
        if (STRING_PREFIX.test(word)) return this.scanString(start, word)
        if (BYTES_PREFIX.test(word)) throw new SyntaxFault(start, 'bytes literals are not supported')
      }
      this.pos = end
      // Python folds identifiers with NFKC, so a fullwidth name is the same name as its ASCII form.
      return { type: 'name', value: word.normalize('NFKC'), start, end }
    }
    for (const op of UNSUPPORTED_OPERATORS) {
      if (src.startsWith(op, start)) throw new SyntaxFault(start, `operator '${op}' is not supported in templates`)
    }
    for (const op of OPERATORS) {
      if (src.startsWith(op, start) && start + op.length <= this.limit) {
        this.pos = start + op.length
        return { type: 'op', value: op, start, end: this.pos }
      }
    }
    throw new SyntaxFault(start, `invalid character '${String.fromCodePoint(cp)}' (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`)
  }

  private scanNumber(start: number): Token {
    const rest = this.source.slice(start, this.limit)
    const radix = /^0([xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)/.exec(rest)
    let text: string
    let token: Token
    if (radix) {
      text = radix[0]
      const digits = text.slice(2).replace(/_/g, '')
      if (text.length > MAX_INT_LITERAL_LENGTH) throw new SyntaxFault(start, `integer literal longer than ${MAX_INT_LITERAL_LENGTH} characters`)
      token = { type: 'int', value: BigInt(`0${text.charAt(1).toLowerCase()}${digits}`), start, end: start + text.length }
    } else {
      const digits = '[0-9](?:_?[0-9])*'
      const float = new RegExp(`^(?:(?:${digits})?\\.${digits}|${digits}\\.?)(?:[eE][+-]?${digits})?`).exec(rest)
      text = float?.[0] ?? ''
      const plain = text.replace(/_/g, '')
      if (/^[0-9]+$/.test(plain)) {
        if (/^0+[1-9]/.test(plain)) {
          throw new SyntaxFault(start, 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers')
        }
        if (text.length > MAX_INT_LITERAL_LENGTH) throw new SyntaxFault(start, `integer literal longer than ${MAX_INT_LITERAL_LENGTH} characters`)
        token = { type: 'int', value: BigInt(plain), start, end: start + text.length }
      } else {
        token = { type: 'float', value: Number(plain), start, end: start + text.length }
      }
    }
    const after = this.source.charAt(start + text.length)
    if (/[jJ]/.test(after)) throw new SyntaxFault(start, 'complex numbers are not supported')
    if (/[0-9_]/.test(after)) throw new SyntaxFault(start + text.length, 'invalid number literal')
    this.pos = token.end
    return token
  }

  private scanString(start: number, prefix: string): Token {
    const src = this.source
    const lower = prefix.toLowerCase()
    const raw = lower.includes('r')
    const fstring = lower.includes('f')
    const quoteAt = start + prefix.length
    const q = src.charAt(quoteAt)
    const triple = src.startsWith(q + q + q, quoteAt) && quoteAt + 3 <= this.limit
    const delimiter = triple ? q + q + q : q
    const bodyStart = quoteAt + delimiter.length
    let i = bodyStart
    for (;;) {
      if (i >= this.limit) throw new SyntaxFault(start, triple ? 'unterminated triple-quoted string literal' : 'unterminated string literal')
      const c = src.charAt(i)
      if (c === '\\') {
        i += 2
        continue
      }
      if (!triple && c === '\n') throw new SyntaxFault(start, 'unterminated string literal')
      if (src.startsWith(delimiter, i) && i + delimiter.length <= this.limit) break
      i++
    }
    const bodyEnd = i
    this.pos = i + delimiter.length
    const body = src.slice(bodyStart, bodyEnd)
    const value = fstring || raw ? body : decodeEscapes(body, bodyStart)
    return { type: 'string', value, start, end: this.pos, raw, fstring, bodyStart, bodyEnd }
  }
}

const SIMPLE_ESCAPES = new Map([
  ['\n', ''],
  ['\\', '\\'],
  ["'", "'"],
  ['"', '"'],
  ['a', '\x07'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
  ['v', '\v'],
])

/** Python backslash escapes of a non-raw string; `offset` places errors in the template. */
export function decodeEscapes(body: string, offset: number): string {
  if (!body.includes('\\')) return body
  let out = ''
  let i = 0
  while (i < body.length) {
    const c = body.charAt(i)
    if (c !== '\\') {
      out += c
      i++
      continue
    }
    const e = body.charAt(i + 1)
    const simple = SIMPLE_ESCAPES.get(e)
    if (simple !== undefined) {
      out += simple
      i += 2
    } else if (/[0-7]/.test(e)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))?.[0] ?? e
      out += String.fromCodePoint(parseInt(oct, 8))
      i += 1 + oct.length
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const size = e === 'x' ? 2 : e === 'u' ? 4 : 8
      const hex = body.slice(i + 2, i + 2 + size)
      if (!new RegExp(`^[0-9a-fA-F]{${size}}$`).test(hex)) throw new SyntaxFault(offset + i, `truncated \\${e}${'X'.repeat(size)} escape`)
      const code = parseInt(hex, 16)
      if (code > 0x10ffff) throw new SyntaxFault(offset + i, 'illegal Unicode character')
      out += String.fromCodePoint(code)
      i += 2 + size
    } else if (e === 'N') {
      throw new SyntaxFault(offset + i, '\\N{...} escapes are not supported; use \\u or \\U')
    } else {
      // Python keeps an unknown escape as written (with a warning).
      out += '\\'
      i += 1
    }
  }
  return out
}
