import { isRevmetaError, RevmetaError } from '../../errors/revmeta-error.js'
import { sqlErrorPrefix, type Classified, type SqlErrorContext } from '../kit/error-context.js'
import { stringField, thrownRecord } from '../kit/error-fields.js'
import { isNetworkErrno } from '../kit/network-errors.js'
import { redactSecrets } from '../../errors/redact-secrets.js'

/** Kept under this name for the postgres client. */
export type PostgresErrorContext = SqlErrorContext

const bySqlstate: Readonly<Record<string, Classified>> = {
  '55P03': { code: 'LOCK_TIMEOUT' },
  // Redshift has no lock_timeout; its statement_timeout cancels with query_canceled.
  '57014': { code: 'LOCK_TIMEOUT' },
  '42501': { code: 'PRIVILEGE' },
  '42P01': { code: 'OBJECT_NOT_FOUND' },
  '3F000': { code: 'OBJECT_NOT_FOUND' },
  '42703': { code: 'OBJECT_NOT_FOUND' },
  '42704': { code: 'OBJECT_NOT_FOUND' },
  '3D000': { code: 'DATABASE_UNREACHABLE' },
  '57P01': { code: 'CONNECTION_FAILED' },
  '57P02': { code: 'CONNECTION_FAILED' },
  '57P03': { code: 'CONNECTION_FAILED' },
  '53300': { code: 'CONNECTION_FAILED' },
  // Concurrent DDL can deadlock or conflict; running the same statement again is safe.
  '40001': { code: 'SQL_FAILED', retryable: true },
  '40P01': { code: 'SQL_FAILED', retryable: true },
}

const sqlstatePattern = /^[0-9A-Z]{5}$/

// pg raises these without a code when a socket closes, a connect timeout fires, or query_timeout
// passes with no answer (a silent network): the connection is then unusable and is discarded.
const brokenConnection = /connection terminated|timeout expired|query read timeout|not queryable|connection (?:is )?closed|socket/i

/** Turns anything the pg driver (or PGlite) throws into a coded error, keeping the server's words. */
export function classifyPostgresError(error: unknown, context: PostgresErrorContext): RevmetaError {
  if (isRevmetaError(error)) return error
  const fields = errorFields(error)
  const classified = classify(fields, context.phase)
  const redact = (text: string | undefined): string | undefined => (text === undefined ? undefined : redactSecrets(text, context.secrets))
  const serverMessage = redact(fields.message) ?? 'unknown error'
  const message = `${sqlErrorPrefix(context)}: ${serverMessage}${fields.sqlstate ? ` [SQLSTATE ${fields.sqlstate}]` : ''}`
  return new RevmetaError(classified.code, message, {
    cause: error,
    ...(classified.retryable !== undefined ? { retryable: classified.retryable } : {}),
    details: {
      engine: context.engine,
      sqlstate: fields.sqlstate,
      errno: fields.errno,
      serverMessage,
      detail: redact(fields.detail),
      hint: redact(fields.hint),
      database: context.database,
      host: context.host,
      port: context.port,
    },
  })
}

function classify(fields: ErrorFields, phase: PostgresErrorContext['phase']): Classified {
  const { sqlstate, errno } = fields
  if (sqlstate !== undefined) {
    const known = bySqlstate[sqlstate]
    if (known !== undefined) return known
    if (sqlstate.startsWith('08')) return { code: 'CONNECTION_FAILED' }
    // Wrong password or no pg_hba entry: the same attempt cannot succeed later.
    if (sqlstate.startsWith('28')) return { code: 'CONNECTION_FAILED', retryable: false }
    return { code: 'SQL_FAILED' }
  }
  if (isNetworkErrno(errno)) return { code: 'CONNECTION_FAILED' }
  if (brokenConnection.test(fields.message ?? '')) return { code: 'CONNECTION_FAILED' }
  // TLS and other setup errors: retrying will not fix a configuration problem.
  if (phase === 'connect') return { code: 'CONNECTION_FAILED', retryable: false }
  return { code: 'SQL_FAILED' }
}

interface ErrorFields {
  readonly message?: string
  readonly sqlstate?: string
  readonly errno?: string
  readonly detail?: string
  readonly hint?: string
}

function errorFields(error: unknown): ErrorFields {
  const thrown = thrownRecord(error)
  if (!thrown) return { message: String(error) }
  const { record, inner } = thrown
  const code = stringField(record, 'code') ?? stringField(inner, 'code')
  const message = stringField(record, 'message') || stringField(inner, 'message') || code
  const isSqlstate = code !== undefined && sqlstatePattern.test(code)
  return {
    message,
    sqlstate: isSqlstate ? code : undefined,
    errno: isSqlstate ? undefined : code,
    detail: stringField(record, 'detail'),
    hint: stringField(record, 'hint'),
  }
}
