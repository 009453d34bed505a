import { RevmetaError } from '../errors/revmeta-error.js'

/**
 * Bounds on what one input may hold, so that a hostile or broken event costs that event only: a
 * value nested thousands deep would overflow every recursive walk after parsing (serializing it
 * for the store, hashing it for its id), and an element without end would be held in memory.
 */
export interface InputLimits {
  /** Deepest nesting of arrays and objects in one event (the event object itself is level 1). */
  readonly maxDepth: number
  /** Largest event: one array element, one JSON line or one JSON document, in characters. */
  readonly maxEventChars: number
  /** Most bytes read from one input (file, standard input, stream); reading stops there. */
  readonly maxInputBytes: number
}

export const defaultInputLimits: InputLimits = Object.freeze({
  maxDepth: 128,
  maxEventChars: 16 * 1024 * 1024,
  maxInputBytes: 16 * 1024 * 1024 * 1024,
})

/** Largest input read whole into one string (V8 strings stop just short of 2^29 characters, 512 Mi): larger inputs must stream. */
export const maxWholeInputBytes = 500 * 1024 * 1024

/**
 * Whether `value` nests arrays and objects deeper than `max`. The walk never goes below `max + 1`
 * levels, so its own recursion stays bounded by the limit (config caps it at 1,000), whatever the
 * input's depth.
 */
export function depthExceeds(value: unknown, max: number): boolean {
  return value !== null && typeof value === 'object' && deeper(value, max, 1)
}

function deeper(node: object, max: number, depth: number): boolean {
  if (depth > max) return true
  if (Array.isArray(node)) {
    for (const child of node) if (child !== null && typeof child === 'object' && deeper(child as object, max, depth + 1)) return true
    return false
  }
  for (const key in node) {
    const child = (node as Record<string, unknown>)[key]
    if (child !== null && typeof child === 'object' && deeper(child, max, depth + 1)) return true
  }
  return false
}

export function tooDeep(where: string, max: number, details: Record<string, string | number>): RevmetaError {
  return new RevmetaError('INPUT_TOO_DEEP', `${where}: nested deeper than ${max} levels (input.maxDepth); it is skipped`, { details: { ...details, maxDepth: max } })
}

export function tooLarge(where: string, why: string, details: Record<string, string | number>): RevmetaError {
  return new RevmetaError('INPUT_TOO_LARGE', `${where}: ${why}`, { details })
}
