import type { ErrorCode } from '../../errors/codes.js'

/** Where a driver error happened; never holds the password, only values to name the place. */
export interface SqlErrorContext {
  /** The engine's name, for messages ('postgres', 'redshift', 'pglite', 'mysql'). */
  readonly engine: string
  readonly phase: 'connect' | 'query'
  /** The database the statements were run on or named. */
  readonly database?: string
  readonly host?: string
  readonly port?: number
  /** Strings that must never appear in a message (the password), replaced by `***`. */
  readonly secrets?: readonly string[]
}

/** A driver error code's place in the catalogue; retryability defaults to the code's own. */
export interface Classified {
  readonly code: ErrorCode
  readonly retryable?: boolean
}

/** `database "shop" at db.internal:5432`: where a SQL error happened, for its message. */
export function placeOf(context: SqlErrorContext): string {
  return [context.database !== undefined ? `database ${JSON.stringify(context.database)}` : undefined, context.host !== undefined ? `${context.host}:${context.port ?? ''}` : undefined]
    .filter((part) => part !== undefined)
    .join(' at ')
}

/** The opening of a SQL error's message: what failed, and where. */
export function sqlErrorPrefix(context: SqlErrorContext): string {
  const where = placeOf(context)
  const what = context.phase === 'connect' ? `Cannot connect to ${context.engine}` : `${context.engine} rejected the statement`
  return `${what}${where ? ` (${where})` : ''}`
}
