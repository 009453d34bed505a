import type { BinaryOp } from './ast.js'
import { TemplateFault, typeError, valueError } from './faults.js'
import { LIMITS, chargeWork, checkIntBits, type Budget } from './limits.js'
import { PyTuple, asInt, sequenceItems, typeName, type Value } from './values.js'

const INT_LIMIT = 1n << BigInt(LIMITS.maxIntBits)

function checkInt(value: bigint): bigint {
  if (value >= INT_LIMIT || value <= -INT_LIMIT) checkIntBits(Infinity)
  return value
}

/** An int or bool as a float, failing like Python when it does not fit. */
export function toFloat(value: bigint): number {
  const x = Number(value)
  if (!Number.isFinite(x)) throw new TemplateFault('OverflowError', 'int too large to convert to float')
  return x
}

/** Numeric operands as both ints, or both floats; undefined when either is not a number. */
function numeric(a: Value, b: Value): [bigint, bigint] | [number, number] | undefined {
  const ia = asInt(a)
  const ib = asInt(b)
  if (ia !== undefined && ib !== undefined) return [ia, ib]
  const fa = typeof a === 'number' ? a : ia === undefined ? undefined : toFloat(ia)
  const fb = typeof b === 'number' ? b : ib === undefined ? undefined : toFloat(ib)
  if (fa === undefined || fb === undefined) return undefined
  return [fa, fb]
}

function unsupported(op: string, a: Value, b: Value): TemplateFault {
  return typeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`)
}

export function binary(op: BinaryOp, a: Value, b: Value, budget: Budget): Value {
  switch (op) {
    case '+':
      return add(a, b, budget)
    case '*':
      return multiply(a, b, budget)
    case '%':
      if (typeof a === 'string') throw typeError("'%' string formatting is not supported in templates; use an f-string or str.format()")
      break
    default:
      break
  }
  const nums = numeric(a, b)
  if (nums === undefined) throw unsupported(op, a, b)
  const [x, y] = nums
  if (typeof x === 'bigint' && typeof y === 'bigint') return intOp(op, x, y)
  return floatOp(op, x as number, y as number)
}

function add(a: Value, b: Value, budget: Budget): Value {
  if (typeof a === 'string') {
    if (typeof b !== 'string') throw typeError(`can only concatenate str (not "${typeName(b)}") to str`)
    budget.string(a.length + b.length)
    return a + b
  }
  const left = sequenceItems(a)
  if (left !== undefined) {
    const right = sequenceItems(b)
    if (right === undefined || (a instanceof PyTuple) !== (b instanceof PyTuple)) {
      throw typeError(`can only concatenate ${typeName(a)} (not "${typeName(b)}") to ${typeName(a)}`)
    }
    budget.list(left.length + right.length)
    const items = [...left, ...right]
    return a instanceof PyTuple ? new PyTuple(items) : Object.freeze(items)
  }
  const nums = numeric(a, b)
  if (nums === undefined) throw unsupported('+', a, b)
  const [x, y] = nums
  return typeof x === 'bigint' ? checkInt(x + (y as bigint)) : x + (y as number)
}

function multiply(a: Value, b: Value, budget: Budget): Value {
  const [seq, times] = typeof a === 'string' || sequenceItems(a) !== undefined ? [a, b] : [b, a]
  if (typeof seq === 'string' || sequenceItems(seq) !== undefined) {
    const count = asInt(times)
    if (count === undefined) throw typeError(`can't multiply sequence by non-int of type '${typeName(times)}'`)
    const n = count < 0n ? 0 : count > BigInt(LIMITS.maxStringLength) + 1n ? LIMITS.maxStringLength + 1 : Number(count)
    if (typeof seq === 'string') {
      // Checked against the limit before repeat() allocates anything.
      if (seq.length > 0) budget.string(seq.length * n)
      return seq.length === 0 ? '' : seq.repeat(n)
    }
    const items = sequenceItems(seq) ?? []
    if (items.length > 0) budget.list(items.length * n)
    const out: Value[] = []
    for (let i = 0; i < n && items.length > 0; i++) out.push(...items)
    return seq instanceof PyTuple ? new PyTuple(out) : Object.freeze(out)
  }
  const nums = numeric(a, b)
  if (nums === undefined) throw unsupported('*', a, b)
  const [x, y] = nums
  return typeof x === 'bigint' ? checkInt(x * (y as bigint)) : x * (y as number)
}

function intOp(op: BinaryOp, x: bigint, y: bigint): Value {
  switch (op) {
    case '-':
      return checkInt(x - y)
    case '/':
      if (y === 0n) throw new TemplateFault('ZeroDivisionError', 'division by zero')
      return trueDivide(x, y)
    case '//': {
      if (y === 0n) throw new TemplateFault('ZeroDivisionError', 'integer division or modulo by zero')
      const q = x / y
      return x % y !== 0n && x < 0n !== y < 0n ? q - 1n : q
    }
    case '%': {
      if (y === 0n) throw new TemplateFault('ZeroDivisionError', 'integer modulo by zero')
      const r = x % y
      return r !== 0n && r < 0n !== y < 0n ? r + y : r
    }
    case '**':
      if (y < 0n) {
        if (x === 0n) throw new TemplateFault('ZeroDivisionError', '0.0 cannot be raised to a negative power')
        return floatOp('**', toFloat(x), toFloat(y))
      }
      if (x === 0n || x === 1n) return y === 0n ? 1n : x
      if (x === -1n) return y % 2n === 0n ? 1n : -1n
      // Estimated before computing: 10**10**9 must fail at once.
      checkIntBits(y * BigInt((x < 0n ? -x : x).toString(2).length - 1))
      return checkInt(x ** y)
    default:
      throw new TemplateFault('TypeError', `unsupported operator ${op}`)
  }
}

/** int / int: exact enough for any int that fits a float, like Python for everyday values. */
function trueDivide(x: bigint, y: bigint): number {
  const fx = Number(x)
  const fy = Number(y)
  if (Number.isFinite(fx) && Number.isFinite(fy)) return fx / fy
  const q = x / y
  return toFloat(q) + Number(x % y) / Number(y)
}

function floatOp(op: BinaryOp, x: number, y: number): number {
  switch (op) {
    case '-':
      return x - y
    case '/':
      if (y === 0) throw new TemplateFault('ZeroDivisionError', 'float division by zero')
      return x / y
    case '//':
      if (y === 0) throw new TemplateFault('ZeroDivisionError', 'float floor division by zero')
      return floatDivmod(x, y)[0]
    case '%':
      if (y === 0) throw new TemplateFault('ZeroDivisionError', 'float modulo')
      return floatDivmod(x, y)[1]
    case '**': {
      if (x === 0 && y < 0) throw new TemplateFault('ZeroDivisionError', '0.0 cannot be raised to a negative power')
      if (x < 0 && Number.isFinite(y) && !Number.isInteger(y)) throw valueError('complex results are not supported')
      const result = x ** y
      if (!Number.isFinite(result) && Number.isFinite(x) && Number.isFinite(y)) throw new TemplateFault('OverflowError', 'Numerical result out of range')
      return result
    }
    default:
      throw new TemplateFault('TypeError', `unsupported operator ${op}`)
  }
}

/** CPython's float_divmod, so signs and edge cases match. */
function floatDivmod(x: number, y: number): [number, number] {
  let mod = x % y
  let div = (x - mod) / y
  if (mod !== 0) {
    if (y < 0 !== mod < 0) {
      mod += y
      div -= 1
    }
  } else {
    mod = y < 0 ? -0 : 0
  }
  let floorDiv: number
  if (div !== 0) {
    floorDiv = Math.floor(div)
    if (div - floorDiv > 0.5) floorDiv += 1
  } else {
    floorDiv = x / y < 0 || Object.is(x / y, -0) ? -0 : 0
  }
  return [floorDiv, mod]
}

export function unary(op: '-' | '+', value: Value): Value {
  const n = asInt(value)
  if (n !== undefined) return op === '-' ? -n : n
  if (typeof value === 'number') return op === '-' ? -value : value
  throw typeError(`bad operand type for unary ${op}: '${typeName(value)}'`)
}

export function equals(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string' && a.length === b.length) chargeWork(a.length)
  if (a === b) return typeof a !== 'number' || !Number.isNaN(a)
  const ia = asInt(a)
  const ib = asInt(b)
  if (ia !== undefined && ib !== undefined) return ia === ib
  if (typeof a === 'number' || typeof b === 'number') {
    const other = typeof a === 'number' ? (ib ?? b) : (ia ?? a)
    const x = (typeof a === 'number' ? a : b) as number
    if (typeof other === 'number') return x === other
    if (typeof other === 'bigint') return Number.isInteger(x) && BigInt(x) === other
    return false
  }
  const left = sequenceItems(a)
  const right = sequenceItems(b)
  if (left === undefined || right === undefined || (a instanceof PyTuple) !== (b instanceof PyTuple)) return false
  chargeWork(Math.min(left.length, right.length))
  return left.length === right.length && left.every((item, i) => equals(item, right[i] ?? null))
}

/** Python's `<`; the other orderings are derived from it and equality as Python's defaults are. */
export function lessThan(a: Value, b: Value, op = '<'): boolean {
  const ia = asInt(a) ?? (typeof a === 'number' ? a : undefined)
  const ib = asInt(b) ?? (typeof b === 'number' ? b : undefined)
  if (ia !== undefined && ib !== undefined) return ia < ib
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b) < 0
  const left = sequenceItems(a)
  const right = sequenceItems(b)
  if (left !== undefined && right !== undefined && (a instanceof PyTuple) === (b instanceof PyTuple)) {
    const n = Math.min(left.length, right.length)
    for (let i = 0; i < n; i++) {
      const x = left[i] ?? null
      const y = right[i] ?? null
      if (!equals(x, y)) return lessThan(x, y, op)
    }
    return left.length < right.length
  }
  throw typeError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`)
}

export function compare(op: string, a: Value, b: Value): boolean {
  switch (op) {
    case '==':
      return equals(a, b)
    case '!=':
      return !equals(a, b)
    case '<':
      return lessThan(a, b)
    case '>':
      return lessThan(b, a, '>')
    case '<=':
      return !isNan(a, b) && (lessThan(a, b, '<=') || equals(a, b))
    case '>=':
      return !isNan(a, b) && (lessThan(b, a, '>=') || equals(a, b))
    case 'in':
      return contains(b, a)
    case 'not in':
      return !contains(b, a)
    case 'is':
      return identical(a, b)
    default:
      return !identical(a, b)
  }
}

function isNan(a: Value, b: Value): boolean {
  return (typeof a === 'number' && Number.isNaN(a)) || (typeof b === 'number' && Number.isNaN(b))
}

function identical(a: Value, b: Value): boolean {
  return typeof a === typeof b && a === b
}

export function contains(container: Value, item: Value): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw typeError(`'in <string>' requires string as left operand, not ${typeName(item)}`)
    chargeWork(container.length + item.length)
    return container.includes(item)
  }
  const items = sequenceItems(container)
  if (items === undefined) throw typeError(`argument of type '${typeName(container)}' is not iterable`)
  chargeWork(items.length)
  return items.some((candidate) => equals(candidate, item))
}

/** Code point order, as Python compares strings; JS compares UTF-16 units, which differs past U+D7FF. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  let i = 0
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++
  chargeWork(i)
  if (i === n) return a.length - b.length
  return codeOrder(a.charCodeAt(i)) - codeOrder(b.charCodeAt(i))
}

/** Maps UTF-16 units so that surrogates (astral characters) sort after U+E000–U+FFFF. */
function codeOrder(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800
  if (unit >= 0xd800) return unit + 0x2000
  return unit
}
