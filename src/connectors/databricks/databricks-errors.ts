import { RevmetaError } from '../../errors/revmeta-error.js'
import { redactSecrets } from '../../errors/redact-secrets.js'
import type { Classified } from '../kit/error-context.js'
import { messageOf, thrownRecord } from '../kit/error-fields.js'

/** One failed exchange with the workspace: an HTTP answer, a FAILED statement, or no answer at all. */
export interface DatabricksFailure {
  readonly method: string
  readonly path: string
  /** HTTP status; absent when no answer came (`cause` then holds fetch's error). */
  readonly status?: number
  /** The answer's JSON: `{ error_code, message }`, or a statement's `status.error` with `sql_state`. */
  readonly body?: Record<string, unknown>
  readonly cause?: unknown
  readonly phase?: 'connect' | 'query'
  /** The SQL of a failed statement (kept out of the message: it may hold values; the report has it). */
  readonly sqlState?: string
}

export interface DatabricksErrorContext {
  readonly engine: string
  readonly host: string
  readonly secrets: readonly string[]
}

/** Error classes (in `[BRACKETS]` at the head of Databricks' messages) and API error codes. */
const byName: Readonly<Record<string, Classified>> = {
  TABLE_OR_VIEW_NOT_FOUND: { code: 'OBJECT_NOT_FOUND' },
  SCHEMA_NOT_FOUND: { code: 'OBJECT_NOT_FOUND' },
  NO_SUCH_CATALOG_EXCEPTION: { code: 'OBJECT_NOT_FOUND' },
  CATALOG_NOT_FOUND: { code: 'OBJECT_NOT_FOUND' },
  UNRESOLVED_COLUMN: { code: 'OBJECT_NOT_FOUND' },
  FIELD_NOT_FOUND: { code: 'OBJECT_NOT_FOUND' },
  NOT_FOUND: { code: 'OBJECT_NOT_FOUND' },
  RESOURCE_DOES_NOT_EXIST: { code: 'OBJECT_NOT_FOUND' },
  PERMISSION_DENIED: { code: 'PRIVILEGE' },
  INSUFFICIENT_PERMISSIONS: { code: 'PRIVILEGE' },
  UNAUTHORIZED_ACCESS: { code: 'PRIVILEGE' },
  UNAUTHENTICATED: { code: 'CONNECTION_FAILED', retryable: false },
  // The warehouse is starting or overloaded, or the rate limit held after our own retries.
  TEMPORARILY_UNAVAILABLE: { code: 'CONNECTION_FAILED' },
  RESOURCE_EXHAUSTED: { code: 'CONNECTION_FAILED' },
  REQUEST_LIMIT_EXCEEDED: { code: 'CONNECTION_FAILED' },
  // Concurrent metadata changes to one Delta table: the same statement may pass later.
  DELTA_CONCURRENT_MODIFICATION: { code: 'LOCK_TIMEOUT' },
  CONCURRENT_METADATA_UPDATE: { code: 'LOCK_TIMEOUT' },
}

const bySqlState: Readonly<Record<string, Classified>> = {
  '42P01': { code: 'OBJECT_NOT_FOUND' },
  '42704': { code: 'OBJECT_NOT_FOUND' },
  '3F000': { code: 'OBJECT_NOT_FOUND' },
  '42703': { code: 'OBJECT_NOT_FOUND' },
  '42501': { code: 'PRIVILEGE' },
}

/** Turns a failed exchange into a coded error, keeping Databricks' words but no secret. */
export function classifyDatabricksHttp(failure: DatabricksFailure, context: DatabricksErrorContext): RevmetaError {
  const body = failure.body ?? {}
  const errorCode = typeof body.error_code === 'string' ? body.error_code : undefined
  // fetch says only "fetch failed"; the socket's own error (ECONNREFUSED, ...) is its cause.
  const inner = failure.cause !== undefined ? thrownRecord(failure.cause)?.cause : undefined
  const raw = failure.cause !== undefined ? `${messageOf(failure.cause)}${inner !== undefined ? `: ${messageOf(inner)}` : ''}` : typeof body.message === 'string' ? body.message : `HTTP ${failure.status ?? '?'}`
  const serverMessage = redactSecrets(raw, context.secrets)
  const errorClass = /^\s*\[([A-Z_]+)[\].]/.exec(serverMessage)?.[1]
  const classified = classify(failure, errorCode, errorClass)
  const phase = failure.phase ?? (failure.status === 401 ? 'connect' : 'query')
  const head = phase === 'connect' ? `Cannot connect to ${context.engine} (${context.host})` : `${context.engine} refused ${failure.method} ${failure.path}`
  const tail = [failure.status !== undefined ? `HTTP ${failure.status}` : undefined, errorCode, failure.sqlState !== undefined ? `SQLSTATE ${failure.sqlState}` : undefined].filter((p) => p !== undefined).join(', ')
  return new RevmetaError(classified.code, `${head}: ${serverMessage}${tail ? ` [${tail}]` : ''}`, {
    ...(failure.cause !== undefined ? { cause: failure.cause } : {}),
    ...(classified.retryable !== undefined ? { retryable: classified.retryable } : {}),
    details: { engine: context.engine, host: context.host, status: failure.status, errorCode, errorClass, sqlstate: failure.sqlState, serverMessage },
  })
}

function classify(failure: DatabricksFailure, errorCode: string | undefined, errorClass: string | undefined): Classified {
  if (failure.cause !== undefined) return { code: 'CONNECTION_FAILED' }
  const known = (errorClass !== undefined ? byName[errorClass] : undefined) ?? (failure.sqlState !== undefined ? bySqlState[failure.sqlState] : undefined) ?? (errorCode !== undefined ? byName[errorCode] : undefined)
  if (known !== undefined) return known
  const status = failure.status ?? 0
  if (status === 401) return { code: 'CONNECTION_FAILED', retryable: false }
  if (status === 403) return { code: 'PRIVILEGE' }
  if (status === 404) return { code: 'OBJECT_NOT_FOUND' }
  if (status === 429 || status >= 500) return { code: 'CONNECTION_FAILED' }
  return { code: 'SQL_FAILED' }
}
