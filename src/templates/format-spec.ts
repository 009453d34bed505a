import { TemplateFault, typeError, valueError } from './faults.js'
import { exponent, fixed, general, scientific, shortestDigits, fixedFromDigits } from './float-format.js'
import { checkStringLength, checkWidth } from './limits.js'
import { pyStr } from './repr.js'
import { cpLength, cpSlice } from './text.js'
import { typeName, type Value } from './values.js'

/** Python's format-spec mini-language: [[fill]align][sign][z][#][0][width][grouping][.precision][type]. */
interface Spec {
  readonly fill: string | undefined
  readonly align: '<' | '>' | '^' | '=' | undefined
  readonly sign: '+' | '-' | ' ' | undefined
  readonly z: boolean
  readonly alternate: boolean
  readonly zero: boolean
  readonly width: number | undefined
  readonly grouping: ',' | '_' | undefined
  readonly precision: number | undefined
  readonly type: string
}

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d*))?(.)?$/su

function parseSpec(text: string, value: Value): Spec {
  const m = SPEC.exec(text)
  if (m === null) throw valueError(`Invalid format specifier '${text}' for object of type '${typeName(value)}'`)
  const [, fill, align, sign, z, hash, zero, width, grouping, precision, type] = m
  if (precision === '') throw valueError('Format specifier missing precision')
  const kind = type ?? ''
  if (grouping !== undefined && !'defgEFG%'.includes(kind) && !(grouping === '_' && 'boxX'.includes(kind))) {
    throw valueError(`Cannot specify '${grouping}' with '${kind}'.`)
  }
  if (width !== undefined) checkWidth(width.length > 6 ? Infinity : Number(width))
  if (precision !== undefined) checkWidth(precision.length > 6 ? Infinity : Number(precision), 'format precision')
  return {
    fill,
    align: align as Spec['align'],
    sign: sign as Spec['sign'],
    z: z !== undefined,
    alternate: hash !== undefined,
    zero: zero !== undefined,
    width: width === undefined ? undefined : Number(width),
    grouping: grouping as Spec['grouping'],
    precision: precision === undefined ? undefined : Number(precision),
    type: type ?? '',
  }
}

/** format(value, spec) for every template value. */
export function formatValue(value: Value, specText: string): string {
  if (typeof value === 'string') return specText === '' ? value : formatString(value, parseSpec(specText, value))
  if (typeof value === 'boolean' && specText === '') return value ? 'True' : 'False'
  if (typeof value === 'bigint' || typeof value === 'boolean') return formatInt(typeof value === 'bigint' ? value : value ? 1n : 0n, parseSpec(specText, value), typeName(value))
  if (typeof value === 'number') return formatFloat(value, parseSpec(specText, value))
  if (specText === '') return pyStr(value)
  throw typeError(`unsupported format string passed to ${typeName(value)}.__format__`)
}

function formatString(value: string, spec: Spec): string {
  if (spec.type !== '' && spec.type !== 's') throw valueError(`Unknown format code '${spec.type}' for object of type 'str'`)
  if (spec.grouping !== undefined) throw valueError(`Cannot specify '${spec.grouping}' with 's'.`)
  if (spec.sign !== undefined) throw valueError(`${spec.sign === ' ' ? 'Space' : 'Sign'} not allowed in string format specifier`)
  if (spec.z) throw valueError('Negative zero coercion (z) not allowed in string format specifier')
  if (spec.alternate) throw valueError('Alternate form (#) not allowed in string format specifier')
  if (spec.align === '=') throw valueError("'=' alignment not allowed in string format specifier")
  let body = value
  if (spec.precision !== undefined && cpLength(body) > spec.precision) body = cpSlice(body, 0, spec.precision)
  return pad({ ...spec, fill: spec.fill ?? (spec.zero ? '0' : undefined) }, '', '', body, '<')
}

const INT_TYPES = new Map([
  ['', 10],
  ['d', 10],
  ['n', 10],
  ['b', 2],
  ['o', 8],
  ['x', 16],
  ['X', 16],
  ['c', 0],
])

function formatInt(value: bigint, spec: Spec, type: string): string {
  const base = INT_TYPES.get(spec.type)
  if (base === undefined) {
    if (!'eEfFgG%'.includes(spec.type)) throw valueError(`Unknown format code '${spec.type}' for object of type '${type}'`)
    const asFloat = Number(value)
    if (!Number.isFinite(asFloat)) throw new TemplateFault('OverflowError', 'int too large to convert to float')
    return formatFloat(asFloat, spec)
  }
  if (spec.precision !== undefined) throw valueError('Precision not allowed in integer format specifier')
  if (spec.z) throw valueError('Negative zero coercion (z) not allowed in integer format specifier')
  if (spec.type === 'c') {
    if (spec.sign !== undefined) throw valueError("Sign not allowed with integer format specifier 'c'")
    if (spec.alternate) throw valueError("Alternate form (#) not allowed with integer format specifier 'c'")
    if (value < 0n || value > 0x10ffffn) throw new TemplateFault('OverflowError', '%c arg not in range(0x110000)')
    return pad(spec, '', '', String.fromCodePoint(Number(value)), '<')
  }
  const negative = value < 0n
  let digits = (negative ? -value : value).toString(base)
  if (spec.type === 'X') digits = digits.toUpperCase()
  const prefix = spec.alternate && base !== 10 ? '0' + spec.type : ''
  return padNumber(spec, signOf(spec, negative), prefix, digits, '', base === 10 ? 3 : 4)
}

function formatFloat(value: number, spec: Spec): string {
  const { type, precision, alternate } = spec
  if (!'eEfFgGn%'.includes(type)) throw valueError(`Unknown format code '${type}' for object of type 'float'`)
  const upper = type === 'E' || type === 'F' || type === 'G'
  let negative = value < 0 || Object.is(value, -0)
  const x = Math.abs(value)
  let body: string
  if (!Number.isFinite(x)) {
    body = Number.isNaN(x) ? 'nan' : 'inf'
    if (upper) body = body.toUpperCase()
    if (type === '%') body += '%'
  } else if (type === '') {
    body = precision === undefined ? shortestBody(x, alternate) : general(x, precision, alternate, false, true)
  } else if (type === 'f' || type === 'F' || type === '%') {
    const p = precision ?? 6
    body = fixed(type === '%' ? x * 100 : x, p) + (alternate && p === 0 ? '.' : '') + (type === '%' ? '%' : '')
  } else if (type === 'e' || type === 'E') {
    body = exponent(x, precision ?? 6, alternate, upper)
  } else {
    body = general(x, precision ?? 6, alternate, upper, false)
  }
  if (negative && spec.z && /^[0.]+$/.test(body.replace(/[eE].*$|%$/, ''))) negative = false
  const intEnd = /^[0-9]*/.exec(body)?.[0].length ?? 0
  return padNumber(spec, signOf(spec, negative), '', body.slice(0, intEnd), body.slice(intEnd), 3)
}

function shortestBody(x: number, alternate: boolean): string {
  const { digits, exp } = shortestDigits(x)
  if (exp < -4 || exp >= 16) return scientific(digits, exp, alternate)
  return fixedFromDigits(digits, exp, 1)
}

function signOf(spec: Spec, negative: boolean): string {
  if (negative) return '-'
  return spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : ''
}

/** Numbers: '0' means zero fill between sign and digits, and zero padding is grouped like digits. */
function padNumber(spec: Spec, sign: string, prefix: string, digits: string, rest: string, groupSize: number): string {
  const fill = spec.fill ?? (spec.zero ? '0' : undefined)
  const align = spec.align ?? (spec.zero && spec.fill === undefined ? '=' : undefined)
  const effective: Spec = { ...spec, fill, align }
  let grouped = digits
  if (spec.grouping !== undefined && digits !== '') {
    const minDigits = fill === '0' && align === '=' && spec.width !== undefined ? spec.width - sign.length - prefix.length - rest.length : 0
    grouped = groupDigits(digits, groupSize, spec.grouping, minDigits)
  }
  return pad(effective, sign, prefix, grouped + rest, '>')
}

function groupDigits(digits: string, size: number, separator: string, minWidth: number): string {
  let count = digits.length
  while (count + Math.floor((count - 1) / size) < minWidth) count++
  const padded = digits.padStart(count, '0')
  const groups: string[] = []
  for (let end = padded.length; end > 0; end -= size) groups.unshift(padded.slice(Math.max(0, end - size), end))
  return groups.join(separator)
}

function pad(spec: Spec, sign: string, prefix: string, body: string, defaultAlign: '<' | '>'): string {
  const content = sign + prefix + body
  const length = cpLength(content)
  if (spec.width === undefined || length >= spec.width) return content
  const padding = spec.width - length
  checkStringLength(content.length + padding)
  const fill = spec.fill ?? ' '
  switch (spec.align ?? defaultAlign) {
    case '<':
      return content + fill.repeat(padding)
    case '>':
      return fill.repeat(padding) + content
    case '^':
      return fill.repeat(Math.floor(padding / 2)) + content + fill.repeat(padding - Math.floor(padding / 2))
    case '=':
      return sign + prefix + fill.repeat(padding) + body
  }
}
