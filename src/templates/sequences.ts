import { TemplateFault, typeError, valueError } from './faults.js'
import type { Budget } from './limits.js'
import { codePoints, cpLength, cpSlice, isBmpOnly } from './text.js'
import { PyTuple, asInt, sequenceItems, typeName, type Value } from './values.js'

/** What `for x in value` walks over: characters of a str, items of a list or tuple. */
export function iterate(value: Value, budget: Budget): readonly Value[] {
  if (typeof value === 'string') {
    budget.work(value.length)
    return isBmpOnly(value) ? value.split('') : codePoints(value)
  }
  const items = sequenceItems(value)
  if (items === undefined) throw typeError(`'${typeName(value)}' object is not iterable`)
  budget.work(items.length)
  return items
}

export function length(value: Value): number {
  if (typeof value === 'string') return cpLength(value)
  const items = sequenceItems(value)
  if (items === undefined) throw typeError(`object of type '${typeName(value)}' has no len()`)
  return items.length
}

/** Clamps a bigint index into a safe JS number without changing where it falls. */
function clampIndex(index: bigint, size: number): number {
  const bound = BigInt(size) + 1n
  return Number(index > bound ? bound : index < -bound ? -bound : index)
}

export function getItem(container: Value, index: Value): Value {
  const kind = typeName(container)
  if (typeof container !== 'string' && sequenceItems(container) === undefined) throw typeError(`'${kind}' object is not subscriptable`)
  const i = asInt(index)
  if (i === undefined) {
    if (typeof container === 'string') throw typeError(`string indices must be integers, not '${typeName(index)}'`)
    throw typeError(`${kind} indices must be integers or slices, not ${typeName(index)}`)
  }
  const size = length(container)
  let n = clampIndex(i, size)
  if (n < 0) n += size
  if (n < 0 || n >= size) throw new TemplateFault('IndexError', `${kind === 'str' ? 'string' : kind} index out of range`)
  if (typeof container === 'string') return cpSlice(container, n, n + 1)
  return (sequenceItems(container) ?? [])[n] ?? null
}

function sliceBound(value: Value | undefined): bigint | undefined {
  if (value === undefined || value === null) return undefined
  const n = asInt(value)
  if (n === undefined) throw typeError('slice indices must be integers or None or have an __index__ method')
  return n
}

/** Python's PySlice_AdjustIndices, then the selected positions. */
export function sliceIndices(size: number, lower: Value | undefined, upper: Value | undefined, stepValue: Value | undefined): number[] {
  const rawStep = sliceBound(stepValue)
  const step = rawStep === undefined ? 1 : clampIndex(rawStep, size)
  if (step === 0) throw valueError('slice step cannot be zero')
  const adjust = (bound: bigint | undefined, fallback: number): number => {
    if (bound === undefined) return fallback
    let n = clampIndex(bound, size)
    if (n < 0) {
      n += size
      if (n < 0) n = step < 0 ? -1 : 0
    } else if (n >= size) {
      n = step < 0 ? size - 1 : size
    }
    return n
  }
  const start = adjust(sliceBound(lower), step < 0 ? size - 1 : 0)
  const stop = adjust(sliceBound(upper), step < 0 ? -1 : size)
  const out: number[] = []
  if (step > 0) for (let i = start; i < stop; i += step) out.push(i)
  else for (let i = start; i > stop; i += step) out.push(i)
  return out
}

export function getSlice(container: Value, lower: Value | undefined, upper: Value | undefined, step: Value | undefined, budget: Budget): Value {
  if (typeof container === 'string') {
    const bmp = isBmpOnly(container)
    const size = bmp ? container.length : cpLength(container)
    const positions = sliceIndices(size, lower, upper, step)
    budget.work(positions.length)
    if (positions.length === 0) return ''
    const first = positions[0] ?? 0
    const contiguous = positions.length === 1 || (positions[1] ?? 0) - first === 1
    if (contiguous) return cpSlice(container, first, first + positions.length)
    const chars = bmp ? container : codePoints(container)
    return positions.map((i) => chars[i] ?? '').join('')
  }
  const items = sequenceItems(container)
  if (items === undefined) throw typeError(`'${typeName(container)}' object is not subscriptable`)
  const positions = sliceIndices(items.length, lower, upper, step)
  budget.work(positions.length)
  const out = positions.map((i) => items[i] ?? null)
  return container instanceof PyTuple ? new PyTuple(out) : Object.freeze(out)
}
