import { typeError } from './faults.js'
import { asInt, typeName, type Value } from './values.js'

/** Arguments of a builtin or method call, bound by position or by the few keywords Python accepts. */
export class CallArgs {
  constructor(
    readonly name: string,
    readonly positional: readonly Value[],
    readonly keywords: ReadonlyMap<string, Value>,
  ) {}

  /**
   * Binds to `params`; the first `required` are mandatory. Only names in `keywordNames` may be
   * passed by keyword, as with Python's C-implemented methods.
   */
  bind(params: readonly string[], required: number, keywordNames: readonly string[] = []): (Value | undefined)[] {
    const { name, positional, keywords } = this
    if (positional.length > params.length) {
      const expected = params.length === 0 ? 'no arguments' : `at most ${params.length} argument${params.length === 1 ? '' : 's'}`
      throw typeError(`${name}() takes ${expected} (${positional.length} given)`)
    }
    const out: (Value | undefined)[] = params.map((_, i) => positional[i])
    for (const [key, value] of keywords) {
      const index = params.indexOf(key)
      if (index < 0 || !keywordNames.includes(key)) {
        throw typeError(keywordNames.length === 0 ? `${name}() takes no keyword arguments` : `${name}() got an unexpected keyword argument '${key}'`)
      }
      if (out[index] !== undefined) throw typeError(`${name}() got multiple values for argument '${key}'`)
      out[index] = value
    }
    for (let i = 0; i < required; i++) {
      if (out[i] === undefined) throw typeError(`${name}() missing required argument '${params[i] ?? ''}' (pos ${i + 1})`)
    }
    return out
  }
}

export function expectStr(value: Value | undefined, what: string): string {
  if (typeof value !== 'string') throw typeError(`${what === '' ? '' : `${what} `}must be str, not ${typeName(value ?? null)}`)
  return value
}

export function expectInt(value: Value | undefined): bigint {
  const n = value === undefined ? undefined : asInt(value)
  if (n === undefined) throw typeError(`'${typeName(value ?? null)}' object cannot be interpreted as an integer`)
  return n
}

/** An int argument as a JS number, clamped far outside any string or list length. */
export function expectIndex(value: Value | undefined): number {
  const n = expectInt(value)
  const bound = 1n << 53n
  return Number(n > bound ? bound : n < -bound ? -bound : n)
}

/** Optional int argument where None also means "not given". */
export function optionalIndex(value: Value | undefined): number | undefined {
  return value === undefined || value === null ? undefined : expectIndex(value)
}
