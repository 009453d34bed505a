import { LIMITS } from './limits.js'
import { TemplateFault } from './faults.js'

/**
 * Python values as templates see them. The mapping is chosen so that a `typeof` check tells the
 * Python type apart without wrappers on the hot path:
 *   str → string, int → bigint (exact, like Python), float → number, bool → boolean,
 *   None → null, list → readonly array, tuple → PyTuple.
 * Dicts, sets, bytes, ranges and iterators do not exist: range(), zip(), enumerate() and
 * reversed() return lists.
 */
export type Value = string | bigint | number | boolean | null | PyList | PyTuple
export type PyList = readonly Value[]

/** A Python tuple. Frozen, so host code cannot change a value a template already holds. */
export class PyTuple {
  readonly items: readonly Value[]
  constructor(items: readonly Value[]) {
    this.items = Object.freeze([...items])
  }
}

/**
 * Marks a JS number as a Python float even when it is integral: a plain JS number that is an
 * integer is taken as an int, because that is what hosts almost always mean.
 */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** What hosts may hand in: internal values plus plain JS numbers and PyFloat markers. */
export type TemplateValue = string | bigint | number | boolean | null | PyFloat | PyTuple | readonly TemplateValue[]

export function pyTuple(...items: TemplateValue[]): PyTuple {
  return new PyTuple(items.map((item) => fromHost(item)))
}

export function pyList(...items: TemplateValue[]): PyList {
  return Object.freeze(items.map((item) => fromHost(item)))
}

export function pyFloat(value: number): PyFloat {
  return new PyFloat(value)
}

/**
 * Converts a host-supplied value to the internal form, copying arrays so later host mutation
 * cannot reach the template. Depth and size are bounded because host data may be cyclic.
 * `integralIsInt` applies the host convenience rule (a JS integer is an int); without it a JS
 * number is a float, which is how values reach host functions from a template.
 */
export function fromHost(value: unknown, depth = 0, integralIsInt = true): Value {
  if (depth > LIMITS.maxDepth) throw new TemplateFault('LimitExceeded', `value nested deeper than ${LIMITS.maxDepth} levels`)
  switch (typeof value) {
    case 'string':
    case 'bigint':
    case 'boolean':
      return value
    case 'number':
      return integralIsInt && Number.isSafeInteger(value) ? BigInt(value) : value
    case 'object':
      if (value === null) return null
      // Re-checked even when it is already a PyTuple: hosts can build one with `new` and anything inside.
      if (value instanceof PyTuple) return new PyTuple(value.items.map((item) => fromHost(item, depth + 1, integralIsInt)))
      if (value instanceof PyFloat) return value.value
      if (Array.isArray(value)) {
        if (value.length > LIMITS.maxListLength) throw new TemplateFault('LimitExceeded', `list longer than ${LIMITS.maxListLength} items`)
        const out: Value[] = []
        for (let i = 0; i < value.length; i++) out.push(fromHost(value[i], depth + 1, integralIsInt))
        return Object.freeze(out)
      }
      break
    default:
      break
  }
  throw new TemplateFault('TypeError', `unsupported value of JS type ${value === undefined ? 'undefined' : typeof value}`)
}

export function isList(value: Value): value is PyList {
  return Array.isArray(value)
}

/** Python's int-like view: bool is a subclass of int. */
export function asInt(value: Value): bigint | undefined {
  if (typeof value === 'bigint') return value
  if (typeof value === 'boolean') return value ? 1n : 0n
  return undefined
}

export function typeName(value: Value): string {
  if (value === null) return 'NoneType'
  switch (typeof value) {
    case 'string':
      return 'str'
    case 'bigint':
      return 'int'
    case 'number':
      return 'float'
    case 'boolean':
      return 'bool'
    default:
      return value instanceof PyTuple ? 'tuple' : 'list'
  }
}

export function truthy(value: Value): boolean {
  if (value === null) return false
  switch (typeof value) {
    case 'string':
      return value.length > 0
    case 'bigint':
      return value !== 0n
    case 'number':
      return value !== 0 && !Number.isNaN(value)
    case 'boolean':
      return value
    default:
      return (value instanceof PyTuple ? value.items : value).length > 0
  }
}

/** The items of a list or tuple, or undefined for anything else. */
export function sequenceItems(value: Value): readonly Value[] | undefined {
  if (value instanceof PyTuple) return value.items
  if (Array.isArray(value)) return value as PyList
  return undefined
}
