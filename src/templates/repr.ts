import { limitExceeded } from './faults.js'
import { floatRepr } from './float-format.js'
import { LIMITS, chargeWork, checkStringLength } from './limits.js'
import { isPrintable } from './text.js'
import { PyTuple, type Value } from './values.js'

/** Python's str(): strings as they are, everything else as repr(). */
export function pyStr(value: Value): string {
  return typeof value === 'string' ? value : pyRepr(value)
}

/** Python's repr(). A list holding the same huge string many times fails here, not after allocation. */
export function pyRepr(value: Value, asciiOnly = false): string {
  const out = new Builder()
  writeRepr(value, out, asciiOnly, 0)
  return out.text()
}

export function pyAscii(value: Value): string {
  return pyRepr(value, true)
}

class Builder {
  private readonly chunks: string[] = []
  private length = 0

  push(text: string): void {
    this.length += text.length
    checkStringLength(this.length)
    chargeWork(text.length)
    this.chunks.push(text)
  }

  text(): string {
    return this.chunks.join('')
  }
}

function writeRepr(value: Value, out: Builder, asciiOnly: boolean, depth: number): void {
  if (depth > LIMITS.maxDepth) throw limitExceeded(`value nested deeper than ${LIMITS.maxDepth} levels`)
  if (value === null) return out.push('None')
  switch (typeof value) {
    case 'string':
      return out.push(reprString(value, asciiOnly))
    case 'bigint':
      return out.push(value.toString())
    case 'number':
      return out.push(floatRepr(value))
    case 'boolean':
      return out.push(value ? 'True' : 'False')
    default:
      break
  }
  const tuple = value instanceof PyTuple
  const items = tuple ? value.items : value
  out.push(tuple ? '(' : '[')
  items.forEach((item, index) => {
    if (index > 0) out.push(', ')
    writeRepr(item, out, asciiOnly, depth + 1)
  })
  out.push(tuple ? (items.length === 1 ? ',)' : ')') : ']')
}

const PLAIN_ASCII = /^[ -~]*$/

/** Quotes as Python does: single quotes unless the text has a ' and no ". */
export function reprString(s: string, asciiOnly = false): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'"
  if (PLAIN_ASCII.test(s)) {
    const escaped = s.replace(quote === "'" ? /['\\]/g : /\\/g, (ch) => '\\' + ch)
    checkStringLength(escaped.length + 2)
    return quote + escaped + quote
  }
  let body = ''
  for (const ch of s) {
    body += escapeChar(ch, quote, asciiOnly)
    if (body.length > LIMITS.maxStringLength) checkStringLength(body.length)
  }
  return quote + body + quote
}

function escapeChar(ch: string, quote: string, asciiOnly: boolean): string {
  if (ch === quote || ch === '\\') return '\\' + ch
  if (ch === '\n') return '\\n'
  if (ch === '\r') return '\\r'
  if (ch === '\t') return '\\t'
  const code = ch.codePointAt(0) ?? 0
  if (code >= 0x20 && code < 0x7f) return ch
  if (!asciiOnly && code > 0x7f && isPrintable(ch)) return ch
  if (code < 0x100) return '\\x' + hex(code, 2)
  if (code < 0x10000) return '\\u' + hex(code, 4)
  return '\\U' + hex(code, 8)
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0')
}
