import { expectIndex } from './arguments.js'
import { TemplateFault, typeError, valueError } from './faults.js'
import { roundDigits } from './float-format.js'
import { checkIntBits } from './limits.js'
import { toFloat } from './operators.js'
import { reprString } from './repr.js'
import { isPySpace } from './text.js'
import { asInt, typeName, type Value } from './values.js'

/** Python caps int↔str conversion at 4,300 digits; so do templates, before BigInt() runs. */
const MAX_INT_DIGITS = 4300

function trimPySpace(s: string): string {
  let start = 0
  let end = s.length
  while (start < end && isPySpace(s.charAt(start))) start++
  while (end > start && isPySpace(s.charAt(end - 1))) end--
  return s.slice(start, end)
}

export function toInt(value: Value, baseArg: Value | undefined): bigint {
  if (baseArg !== undefined && typeof value !== 'string') throw typeError("int() can't convert non-string with explicit base")
  if (typeof value === 'string') return parseInt(value, baseArg === undefined ? 10 : expectIndex(baseArg))
  const n = asInt(value)
  if (n !== undefined) return n
  if (typeof value === 'number') return floatToInt(value)
  throw typeError(`int() argument must be a string, a bytes-like object or a real number, not '${typeName(value)}'`)
}

export function floatToInt(x: number): bigint {
  if (Number.isNaN(x)) throw valueError('cannot convert float NaN to integer')
  if (!Number.isFinite(x)) throw new TemplateFault('OverflowError', 'cannot convert float infinity to integer')
  return BigInt(Math.trunc(x))
}

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz'
const RADIX_PREFIXES = new Map([
  ['x', 16],
  ['o', 8],
  ['b', 2],
])

function parseInt(text: string, base: number): bigint {
  if (base !== 0 && (base < 2 || base > 36)) throw valueError('int() base must be >= 2 and <= 36, or 0')
  const invalid = (): TemplateFault => valueError(`invalid literal for int() with base ${base}: ${reprString(text)}`)
  let s = trimPySpace(text).toLowerCase()
  let negative = false
  if (s.startsWith('+') || s.startsWith('-')) {
    negative = s.startsWith('-')
    s = s.slice(1)
  }
  let radix = base
  const prefix = /^0([xob])/.exec(s)
  const prefixBase = prefix === null ? 0 : RADIX_PREFIXES.get(prefix[1] ?? '') ?? 0
  if (prefix !== null && (base === 0 || base === prefixBase)) {
    radix = prefixBase
    s = s.slice(2)
    if (s.startsWith('_')) s = s.slice(1)
  } else if (base === 0) {
    radix = 10
    if (/^0+[_0]*[1-9]/.test(s)) throw invalid()
  }
  if (!/^[0-9a-z]+(?:_[0-9a-z]+)*$/.test(s)) throw invalid()
  const digits = s.replace(/_/g, '')
  if (radix === 10 && digits.length > MAX_INT_DIGITS) {
    throw valueError(`Exceeds the limit (${MAX_INT_DIGITS} digits) for integer string conversion: value has ${digits.length} digits`)
  }
  checkIntBits(digits.length * Math.log2(radix) - 1)
  let out = 0n
  const big = BigInt(radix)
  for (const ch of digits) {
    const d = DIGITS.indexOf(ch)
    if (d < 0 || d >= radix) throw invalid()
    out = out * big + BigInt(d)
  }
  return negative ? -out : out
}

const FLOAT = /^[+-]?(?:(?:[0-9](?:_?[0-9])*)?\.?[0-9](?:_?[0-9])*|[0-9](?:_?[0-9])*\.)(?:e[+-]?[0-9](?:_?[0-9])*)?$/

export function toFloatValue(value: Value): number {
  if (typeof value === 'number') return value
  const n = asInt(value)
  if (n !== undefined) return toFloat(n)
  if (typeof value !== 'string') throw typeError(`float() argument must be a string or a real number, not '${typeName(value)}'`)
  const s = trimPySpace(value).toLowerCase()
  const unsigned = s.replace(/^[+-]/, '')
  const sign = s.startsWith('-') ? -1 : 1
  if (unsigned === 'inf' || unsigned === 'infinity') return sign * Infinity
  if (unsigned === 'nan') return NaN
  if (!FLOAT.test(s)) throw valueError(`could not convert string to float: ${reprString(value)}`)
  return Number(s.replace(/_/g, ''))
}

export function round(value: Value, ndigitsArg: Value | undefined): Value {
  const ndigits = ndigitsArg === undefined || ndigitsArg === null ? undefined : expectIndex(ndigitsArg)
  const n = asInt(value)
  if (n !== undefined) return ndigits === undefined || ndigits >= 0 ? n : roundInt(n, ndigits)
  if (typeof value !== 'number') throw typeError(`type ${typeName(value)} doesn't define __round__ method`)
  if (ndigits === undefined) return floatToInt(roundHalfEven(value))
  if (!Number.isFinite(value)) return value
  const rounded = roundDigits(Math.abs(value), ndigits)
  return value < 0 || Object.is(value, -0) ? -rounded : rounded
}

function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x
  const floor = Math.floor(x)
  const diff = x - floor
  if (diff > 0.5) return floor + 1
  if (diff < 0.5) return floor
  return floor % 2 === 0 ? floor : floor + 1
}

function roundInt(n: bigint, ndigits: number): bigint {
  if (ndigits < -MAX_INT_DIGITS) return 0n
  const p = 10n ** BigInt(-ndigits)
  let r = n % p
  if (r < 0n) r += p
  const q = (n - r) / p
  const twice = r * 2n
  return (twice > p || (twice === p && (q & 1n) === 1n) ? q + 1n : q) * p
}
