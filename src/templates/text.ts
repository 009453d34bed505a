import { chargeWork } from './limits.js'

/**
 * Python indexes strings by code point, JS by UTF-16 unit. Everything that counts, indexes or
 * pads goes through these helpers; the fast path skips the conversion when no surrogate is present.
 */
const SURROGATE = /[\uD800-\uDFFF]/

export function isBmpOnly(s: string): boolean {
  chargeWork(s.length)
  return !SURROGATE.test(s)
}

export function codePoints(s: string): string[] {
  chargeWork(s.length)
  return Array.from(s)
}

export function cpLength(s: string): number {
  if (isBmpOnly(s)) return s.length
  let n = 0
  for (let i = 0; i < s.length; i++) if (!isLowSurrogateAfterHigh(s, i)) n++
  return n
}

function isLowSurrogateAfterHigh(s: string, i: number): boolean {
  const unit = s.charCodeAt(i)
  if (unit < 0xdc00 || unit > 0xdfff || i === 0) return false
  const previous = s.charCodeAt(i - 1)
  return previous >= 0xd800 && previous <= 0xdbff
}

/** Slice by code point offsets, both already clamped to [0, length]. */
export function cpSlice(s: string, start: number, end: number): string {
  if (isBmpOnly(s)) return s.slice(start, end)
  const from = unitIndex(s, start)
  return s.slice(from, from + unitIndex(s.slice(from), end - start))
}

/** Converts a UTF-16 offset found by indexOf into a code point offset. */
export function cpIndex(s: string, unitOffset: number): number {
  if (unitOffset < 0 || isBmpOnly(s)) return unitOffset
  return cpLength(s.slice(0, unitOffset))
}

/** Converts a code point offset into a UTF-16 offset (without the surrogate check: callers did it). */
function unitIndex(s: string, cpOffset: number): number {
  chargeWork(cpOffset)
  let units = 0
  for (let n = 0; n < cpOffset && units < s.length; n++) {
    const unit = s.charCodeAt(units)
    units += unit >= 0xd800 && unit <= 0xdbff && units + 1 < s.length ? 2 : 1
  }
  return units
}

/** Python's str.isspace() set, used by split(), strip() and the number parsers. */
const PY_SPACE = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/

export function isPySpace(ch: string): boolean {
  return PY_SPACE.test(ch)
}

/** Code points Python's repr() escapes (str.isprintable() is false), except the space. */
const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u

export function isPrintable(ch: string): boolean {
  return ch === ' ' || !NON_PRINTABLE.test(ch)
}

const CASED = /^[\p{Lu}\p{Ll}\p{Lt}]$/u
const UPPER = /^\p{Lu}$/u
const LOWER = /^\p{Ll}$/u

export function isCased(ch: string): boolean {
  return CASED.test(ch)
}

export function isUpperChar(ch: string): boolean {
  return UPPER.test(ch)
}

export function isLowerChar(ch: string): boolean {
  return LOWER.test(ch)
}

/** Python line boundaries for splitlines(). */
export const LINE_BREAKS = new Set(['\n', '\r', '\v', '\f', '\x1c', '\x1d', '\x1e', '\x85', '\u2028', '\u2029'])

/** Titlecase digraphs, which toUpperCase() would turn into two capitals. */
const TITLE_DIGRAPHS = new Map([
  ['\u01c4', '\u01c5'], ['\u01c5', '\u01c5'], ['\u01c6', '\u01c5'],
  ['\u01c7', '\u01c8'], ['\u01c8', '\u01c8'], ['\u01c9', '\u01c8'],
  ['\u01ca', '\u01cb'], ['\u01cb', '\u01cb'], ['\u01cc', '\u01cb'],
  ['\u01f1', '\u01f2'], ['\u01f2', '\u01f2'], ['\u01f3', '\u01f2'],
])

/** Python's titlecase of one character: 'ß' becomes 'Ss', not 'SS'. */
export function titleChar(ch: string): string {
  const digraph = TITLE_DIGRAPHS.get(ch)
  if (digraph !== undefined) return digraph
  const [first = '', ...rest] = Array.from(ch.toUpperCase())
  return first + rest.join('').toLowerCase()
}

/**
 * Lowercases `tail` as it reads after `head`, so the Greek final sigma rule sees the letter
 * before it (JS applies the rule only within the string it is given).
 */
export function lowerAfter(head: string, tail: string): string {
  return (head + tail).toLowerCase().slice(head.toLowerCase().length)
}
