/**
 * Float to text exactly as CPython does it. JS's toFixed/toPrecision round ties away from zero
 * and switch notation at other thresholds, so digits are produced here from the exact binary
 * value (a double is m·2^e, which is a finite decimal) with round-half-even.
 * All functions take a finite, non-negative number; signs are the caller's business.
 */

/** Shortest round-tripping digits, as repr() uses: value = 0.d1d2… × 10^(exp+1), i.e. d1 is at 10^exp. */
export function shortestDigits(x: number): { digits: string; exp: number } {
  if (x === 0) return { digits: '0', exp: 0 }
  // String() is specified to give the shortest digits closest to x, the same choice as Python's repr.
  const text = String(x)
  const [mantissa = '', exponent] = text.split('e')
  const [intPart = '', fracPart = ''] = mantissa.split('.')
  let exp = (exponent === undefined ? 0 : Number(exponent)) + intPart.length - 1
  let digits = intPart + fracPart
  const leading = /^0*/.exec(digits)?.[0].length ?? 0
  digits = digits.slice(leading)
  exp -= leading
  return { digits: digits.replace(/0+$/, '') || '0', exp }
}

export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf'
  const sign = x < 0 || Object.is(x, -0) ? '-' : ''
  const { digits, exp } = shortestDigits(Math.abs(x))
  if (exp < -4 || exp >= 16) return sign + scientific(digits, exp, false)
  return sign + fixedFromDigits(digits, exp, 1)
}

/** `d.ddd` + `e±XX`. */
export function scientific(digits: string, exp: number, forcePoint: boolean, upper = false): string {
  const rest = digits.slice(1)
  const mantissa = digits.charAt(0) + (rest !== '' || forcePoint ? '.' + rest : '')
  const e = (upper ? 'E' : 'e') + (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0')
  return mantissa + e
}

/** Places significant digits (first digit at 10^exp) in fixed notation with at least `minFrac` decimals. */
export function fixedFromDigits(digits: string, exp: number, minFrac: number): string {
  let intPart: string
  let frac: string
  if (exp >= 0) {
    const padded = digits.padEnd(exp + 1, '0')
    intPart = padded.slice(0, exp + 1)
    frac = padded.slice(exp + 1)
  } else {
    intPart = '0'
    frac = '0'.repeat(-exp - 1) + digits
  }
  if (frac.length < minFrac) frac = frac.padEnd(minFrac, '0')
  return frac === '' ? intPart : `${intPart}.${frac}`
}

/** |x| = n / 10^scale, exactly. */
function exactDecimal(x: number): { n: bigint; scale: number } {
  if (x === 0) return { n: 0n, scale: 0 }
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  const hi = view.getUint32(0)
  const lo = view.getUint32(4)
  const biased = (hi >>> 20) & 0x7ff
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo)
  let e = -1074
  if (biased !== 0) {
    m |= 1n << 52n
    e = biased - 1075
  }
  if (e >= 0) return { n: m << BigInt(e), scale: 0 }
  return { n: m * 5n ** BigInt(-e), scale: -e }
}

/** n / 10^k rounded half to even (k may be negative, meaning multiply). */
function shiftRound(n: bigint, k: number): bigint {
  if (k <= 0) return n * 10n ** BigInt(-k)
  const d = 10n ** BigInt(k)
  const q = n / d
  const twice = (n % d) * 2n
  return twice > d || (twice === d && (q & 1n) === 1n) ? q + 1n : q
}

/** `x` with exactly `precision` decimals ('f'). */
export function fixed(x: number, precision: number): string {
  const { n, scale } = exactDecimal(x)
  const text = shiftRound(n, scale - precision).toString().padStart(precision + 1, '0')
  const cut = text.length - precision
  return precision === 0 ? text : `${text.slice(0, cut)}.${text.slice(cut)}`
}

/** The first `count` significant digits, correctly rounded; the exponent is that of the first digit. */
export function significant(x: number, count: number): { digits: string; exp: number } {
  if (x === 0) return { digits: '0'.repeat(count), exp: 0 }
  const { n, scale } = exactDecimal(x)
  const length = n.toString().length
  let exp = length - 1 - scale
  let digits = shiftRound(n, length - count).toString()
  if (digits.length > count) {
    digits = digits.slice(0, count)
    exp += 1
  }
  return { digits, exp }
}

/** 'e' / 'E'. */
export function exponent(x: number, precision: number, alternate: boolean, upper: boolean): string {
  const { digits, exp } = significant(x, precision + 1)
  return scientific(digits, exp, alternate, upper)
}

/**
 * 'g' / 'G', and the no-type form with a precision (`plain`), which keeps one decimal in fixed
 * notation and moves to scientific one digit earlier.
 */
export function general(x: number, precision: number, alternate: boolean, upper: boolean, plain: boolean): string {
  const p = precision === 0 ? 1 : precision
  const { digits, exp } = significant(x, p)
  const scientificNotation = exp < -4 || exp >= (plain ? p - 1 : p)
  let kept = digits
  if (!alternate) kept = kept.replace(/0+$/, '') || '0'
  if (scientificNotation) return scientific(kept, exp, alternate, upper)
  const minFrac = alternate ? Math.max(0, p - 1 - exp) : plain ? 1 : 0
  return fixedFromDigits(kept, exp, minFrac) + (alternate && p - 1 - exp <= 0 && !plain ? '.' : '')
}

/** The no-type, no-precision form: repr()'s digits and thresholds. */
export function shortest(x: number): string {
  const { digits, exp } = shortestDigits(x)
  if (exp < -4 || exp >= 16) return scientific(digits, exp, false)
  return fixedFromDigits(digits, exp, 1)
}

/** round(x, ndigits) for a finite non-negative float: CPython rounds the exact value half to even. */
export function roundDigits(x: number, ndigits: number): number {
  if (x === 0 || ndigits > 330) return x
  if (ndigits < -330) return 0
  if (ndigits >= 0) return Number(fixed(x, ndigits))
  const { n, scale } = exactDecimal(x)
  return Number(shiftRound(n, scale - ndigits).toString() + '0'.repeat(-ndigits))
}
