import { CallArgs, expectInt, expectStr } from './arguments.js'
import { TemplateFault, typeError, valueError } from './faults.js'
import { formatValue } from './format-spec.js'
import { checkRangeLength, type Budget } from './limits.js'
import { round, toFloatValue, toInt } from './number-builtins.js'
import { binary, lessThan } from './operators.js'
import { pyAscii, pyRepr, pyStr } from './repr.js'
import { iterate, length } from './sequences.js'
import { cpLength } from './text.js'
import { PyTuple, asInt, sequenceItems, truthy, typeName, type Value } from './values.js'

/**
 * Python builtins that templates may call. Iterators do not exist here: enumerate, zip, range
 * and reversed return lists, so `{range(3)}` prints `[0, 1, 2]` where Python prints `range(0, 3)`.
 */
export function callBuiltin(name: string, call: CallArgs, budget: Budget): Value {
  switch (name) {
    case 'len':
      return BigInt(length(one(call)))
    case 'str':
      return optional(call, '', pyStr)
    case 'repr':
      return pyRepr(one(call))
    case 'ascii':
      return pyAscii(one(call))
    case 'format': {
      const [value, spec] = call.bind(['value', 'format_spec'], 1)
      return formatValue(value ?? null, spec === undefined ? '' : expectStr(spec, 'format() argument 2'))
    }
    case 'int': {
      const [value, base] = call.bind(['x', 'base'], 0, ['base'])
      return value === undefined ? 0n : toInt(value, base)
    }
    case 'float':
      return optional(call, 0, toFloatValue)
    case 'bool':
      return optional(call, false, truthy)
    case 'list':
      return optional(call, Object.freeze([]), (value) => Object.freeze([...iterate(value, budget)]))
    case 'tuple':
      return optional(call, new PyTuple([]), (value) => (value instanceof PyTuple ? value : new PyTuple(iterate(value, budget))))
    case 'sorted':
      return sorted(call, budget)
    case 'min':
    case 'max':
      return extreme(name, call, budget)
    case 'sum':
      return sum(call, budget)
    case 'any':
      return iterate(one(call), budget).some(truthy)
    case 'all':
      return iterate(one(call), budget).every(truthy)
    case 'enumerate': {
      const [iterable, start] = call.bind(['iterable', 'start'], 1, ['iterable', 'start'])
      const first = start === undefined ? 0n : expectInt(start)
      return Object.freeze(iterate(iterable ?? null, budget).map((item, i) => new PyTuple([first + BigInt(i), item])))
    }
    case 'zip':
      return zip(call, budget)
    case 'range':
      return range(call, budget)
    case 'reversed': {
      const value = one(call)
      if (typeof value !== 'string' && sequenceItems(value) === undefined) throw typeError(`'${typeName(value)}' object is not reversible`)
      return Object.freeze([...iterate(value, budget)].reverse())
    }
    case 'abs': {
      const value = one(call)
      const n = asInt(value)
      if (n !== undefined) return n < 0n ? -n : n
      if (typeof value === 'number') return Math.abs(value)
      throw typeError(`bad operand type for abs(): '${typeName(value)}'`)
    }
    case 'round': {
      const [value, ndigits] = call.bind(['number', 'ndigits'], 1, ['number', 'ndigits'])
      return round(value ?? null, ndigits)
    }
    case 'chr': {
      const code = expectInt(one(call))
      if (code < 0n || code > 0x10ffffn) throw valueError('chr() arg not in range(0x110000)')
      return String.fromCodePoint(Number(code))
    }
    case 'ord': {
      const value = one(call)
      if (typeof value !== 'string') throw typeError(`ord() expected string of length 1, but ${typeName(value)} found`)
      const size = cpLength(value)
      if (size !== 1) throw typeError(`ord() expected a character, but string of length ${size} found`)
      return BigInt(value.codePointAt(0) ?? 0)
    }
    default:
      throw new TemplateFault('TypeError', `unknown function '${name}'`)
  }
}

function one(call: CallArgs): Value {
  const [value] = call.bind(['object'], 1)
  return value ?? null
}

function optional<T extends Value>(call: CallArgs, fallback: T, convert: (value: Value) => Value): Value {
  const [value] = call.bind(['object'], 0)
  return value === undefined ? fallback : convert(value)
}

function sorted(call: CallArgs, budget: Budget): Value {
  if (call.positional.length !== 1) throw typeError(`sorted expected 1 argument, got ${call.positional.length}`)
  const [iterable, key, reverse] = call.bind(['iterable', 'key', 'reverse'], 1, ['key', 'reverse'])
  if (key !== undefined && key !== null) throw typeError('sorted(key=...) is not supported in templates')
  const items = [...iterate(iterable ?? null, budget)]
  budget.step(Math.ceil(items.length * Math.log2(items.length + 1)))
  const descending = reverse !== undefined && truthy(reverse)
  // Array.prototype.sort is stable, and a reversed comparison keeps equal items in input order, as Python does.
  items.sort((a, b) => {
    const [x, y] = descending ? [b, a] : [a, b]
    return lessThan(x, y) ? -1 : lessThan(y, x) ? 1 : 0
  })
  return Object.freeze(items)
}

function extreme(name: 'min' | 'max', call: CallArgs, budget: Budget): Value {
  for (const key of call.keywords.keys()) {
    if (key === 'key') throw typeError(`${name}(key=...) is not supported in templates`)
    if (key !== 'default') throw typeError(`${name}() got an unexpected keyword argument '${key}'`)
  }
  const fallback = call.keywords.get('default')
  if (call.positional.length === 0) throw typeError(`${name} expected at least 1 argument, got 0`)
  if (call.positional.length > 1 && fallback !== undefined) {
    throw typeError(`Cannot specify a default for ${name}() with multiple positional arguments`)
  }
  const items = call.positional.length === 1 ? iterate(call.positional[0] ?? null, budget) : call.positional
  if (items.length === 0) {
    if (fallback !== undefined) return fallback
    throw valueError(`${name}() arg is an empty sequence`)
  }
  let best = items[0] ?? null
  for (const item of items.slice(1)) {
    if (name === 'max' ? lessThan(best, item) : lessThan(item, best)) best = item
  }
  return best
}

function sum(call: CallArgs, budget: Budget): Value {
  const [iterable, start] = call.bind(['iterable', 'start'], 1, ['start'])
  if (typeof start === 'string') throw typeError("sum() can't sum strings [use ''.join(seq) instead]")
  let total: Value = start ?? 0n
  for (const item of iterate(iterable ?? null, budget)) {
    budget.step()
    total = binary('+', total, item, budget)
  }
  return total
}

function zip(call: CallArgs, budget: Budget): Value {
  if (call.keywords.size > 0) throw typeError('zip() keyword arguments are not supported in templates')
  const columns = call.positional.map((value) => iterate(value, budget))
  const rows = columns.length === 0 ? 0 : Math.min(...columns.map((column) => column.length))
  const out: Value[] = []
  for (let i = 0; i < rows; i++) out.push(new PyTuple(columns.map((column) => column[i] ?? null)))
  return Object.freeze(out)
}

function range(call: CallArgs, budget: Budget): Value {
  if (call.keywords.size > 0) throw typeError('range() takes no keyword arguments')
  const args = call.positional.map((value) => expectInt(value))
  if (args.length < 1 || args.length > 3) throw typeError(`range expected at least 1 argument, got ${args.length}`)
  const [start, stop, step] = args.length === 1 ? [0n, args[0] ?? 0n, 1n] : [args[0] ?? 0n, args[1] ?? 0n, args[2] ?? 1n]
  if (step === 0n) throw valueError('range() arg 3 must not be zero')
  const span = step > 0n ? stop - start : start - stop
  const magnitude = step > 0n ? step : -step
  const count = span <= 0n ? 0n : (span + magnitude - 1n) / magnitude
  // Counted before a single item exists: range(10**9) fails at once.
  checkRangeLength(count)
  budget.list(Number(count))
  const out: Value[] = []
  for (let i = 0n; i < count; i++) out.push(start + i * step)
  return Object.freeze(out)
}
