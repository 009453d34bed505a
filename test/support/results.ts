import { RevmetaError } from '../../src/errors/revmeta-error.js'
import { displayOf, type Statement } from '../../src/model/statement.js'

/** The text of rendered statements (SQL, or an API request's display), in order. */
export const sqlOf = (statements: readonly Statement[]): string[] => statements.map(displayOf)

/** The RevmetaError code `fn` throws, a note when it throws something else, or undefined when it does not throw. */
export const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (error) {
    return error instanceof RevmetaError ? error.code : `not a RevmetaError: ${String(error)}`
  }
  return undefined
}

/** Each unit's outcome of an execute call: 'ok' or its error code. */
export const codes = (results: { ok: boolean; error?: { code: string } }[]): string[] => results.map((r) => (r.ok ? 'ok' : (r.error?.code ?? '?')))
