import { isRevmetaError, RevmetaError } from '../../errors/revmeta-error.js'
import type { Classified } from '../kit/error-context.js'
import { messageOf } from '../kit/error-fields.js'

/** Where the error happened: values that name the place, never anything secret. */
export interface DuckdbErrorContext {
  readonly phase: 'open' | 'query'
  readonly path: string
  readonly database?: string
}

/**
 * @duckdb/node-api throws plain Errors with no code: the only structure is the "<Type> Error: "
 * prefix DuckDB puts on every message, so that prefix and a few well-known phrases decide.
 */
const typedMessage = /^([A-Za-z ]+?) Error: ([\s\S]*)$/

/** Another process holds the file ("Could not set lock on file ... Conflicting lock is held in ..."). */
export function isLockConflict(error: unknown): boolean {
  return /Could not set lock on file|Conflicting lock/i.test(messageOf(error))
}

/** Turns whatever the DuckDB driver throws into a coded error, keeping DuckDB's words. */
export function classifyDuckdbError(error: unknown, context: DuckdbErrorContext): RevmetaError {
  if (isRevmetaError(error)) return error
  const message = messageOf(error)
  const type = typedMessage.exec(message)?.[1]
  const classified = classify(type, message, context.phase)
  const where = context.database !== undefined ? `database ${JSON.stringify(context.database)} in ${context.path}` : context.path
  const prefix = context.phase === 'open' ? 'Cannot open duckdb' : 'duckdb rejected the statement'
  return new RevmetaError(classified.code, `${prefix} (${where}): ${message}`, {
    cause: error,
    ...(classified.retryable !== undefined ? { retryable: classified.retryable } : {}),
    details: { engine: 'duckdb', errorType: type, serverMessage: message, database: context.database, path: context.path },
  })
}

function classify(type: string | undefined, message: string, phase: DuckdbErrorContext['phase']): Classified {
  if (/connection disconnected|database (?:is )?closed/i.test(message)) return { code: 'CONNECTION_FAILED' }
  switch (type) {
    case 'Catalog':
      if (/does not exist/i.test(message)) return { code: 'OBJECT_NOT_FOUND' }
      break
    case 'Binder':
      // A missing column is a binder error: 'Table "t" does not have a column with name "c"'.
      if (/does not have a column|does not exist|not found/i.test(message)) return { code: 'OBJECT_NOT_FOUND' }
      break
    case 'IO':
      // A missing directory or read-only file that does not exist: waiting will not create it.
      if (/No such file or directory|database does not exist/i.test(message)) return { code: 'CONNECTION_FAILED', retryable: false }
      return { code: 'CONNECTION_FAILED', retryable: true }
    case 'Connection':
      // The file is already open in this process with other options (threads, readOnly).
      return { code: 'CONNECTION_FAILED', retryable: false }
    case 'Invalid Input':
      if (/read-only mode/i.test(message)) return { code: 'PRIVILEGE' }
      break
    case 'TransactionContext':
      // Another connection in this process changed the same object first; running again is safe.
      if (/conflict/i.test(message)) return { code: 'SQL_FAILED', retryable: true }
      break
    case 'Not implemented':
      return { code: 'UNSUPPORTED' }
  }
  if (phase === 'open') return { code: 'CONNECTION_FAILED', retryable: false }
  return { code: 'SQL_FAILED' }
}
