import type { ErrorCode } from '../errors/codes.js'

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
