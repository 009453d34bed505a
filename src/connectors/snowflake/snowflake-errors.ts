import { isRevmetaError, RevmetaError } from '../../errors/revmeta-error.js'
import { redactSecrets } from '../../errors/redact-secrets.js'
import type { Classified, SqlErrorContext } from '../kit/error-context.js'

/** Snowflake error codes (the `code` of a failed query-request) with a place in the catalogue. */
const bySnowflakeCode: Readonly<Record<string, Classified>> = {
  // "Object does not exist or not authorized": Snowflake does not tell the two apart.
  '002003': { code: 'OBJECT_NOT_FOUND' },
  '002043': { code: 'OBJECT_NOT_FOUND' },
  '000904': { code: 'OBJECT_NOT_FOUND' },
  '003001': { code: 'PRIVILEGE' },
  '003011': { code: 'PRIVILEGE' },
  // Lock wait and statement timeouts: the same statement may succeed later.
  '000625': { code: 'LOCK_TIMEOUT' },
  '000630': { code: 'LOCK_TIMEOUT' },
  // Session gone for good (renewal failed): a new login may work.
  '390112': { code: 'CONNECTION_FAILED' },
  '390111': { code: 'CONNECTION_FAILED' },
  // The master token expired too, so the session could not be renewed: a new login is needed.
  '390114': { code: 'CONNECTION_FAILED' },
  // Wrong credentials, locked user, bad key or token: the same attempt cannot succeed later.
  '390100': { code: 'CONNECTION_FAILED', retryable: false },
  '390144': { code: 'CONNECTION_FAILED', retryable: false },
  '390303': { code: 'CONNECTION_FAILED', retryable: false },
  '390318': { code: 'CONNECTION_FAILED', retryable: false },
  '390422': { code: 'CONNECTION_FAILED', retryable: false },
}

const bySqlstate: Readonly<Record<string, Classified>> = {
  '42S02': { code: 'OBJECT_NOT_FOUND' },
  '42501': { code: 'PRIVILEGE' },
}

/** Turns what snowflake-sdk throws into a coded error, keeping Snowflake's words but no secret. */
export function classifySnowflakeError(error: unknown, context: SqlErrorContext): RevmetaError {
  if (isRevmetaError(error)) return error
  const record = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as Record<string, unknown>
  const code = record.code === undefined || record.code === null ? undefined : String(record.code)
  const sqlstate = typeof record.sqlState === 'string' ? record.sqlState : undefined
  const name = typeof record.name === 'string' ? record.name : undefined
  const classified = classify(code, sqlstate, name, context.phase)
  const serverMessage = redactSecrets(typeof record.message === 'string' ? record.message : 'unknown error', context.secrets)
  const where = context.host !== undefined ? ` (${context.host})` : ''
  const prefix = context.phase === 'connect' ? `Cannot connect to ${context.engine}${where}` : `${context.engine} rejected the statement${context.database !== undefined ? ` (database ${JSON.stringify(context.database)})` : ''}`
  const tail = [code !== undefined ? `code ${code}` : undefined, sqlstate !== undefined ? `SQLSTATE ${sqlstate}` : undefined].filter((part) => part !== undefined).join(', ')
  return new RevmetaError(classified.code, `${prefix}: ${serverMessage}${tail ? ` [${tail}]` : ''}`, {
    cause: error,
    ...(classified.retryable !== undefined ? { retryable: classified.retryable } : {}),
    details: { engine: context.engine, snowflakeCode: code, sqlstate, serverMessage, database: context.database, host: context.host },
  })
}

function classify(code: string | undefined, sqlstate: string | undefined, name: string | undefined, phase: SqlErrorContext['phase']): Classified {
  const known = (code !== undefined ? bySnowflakeCode[code] : undefined) ?? (sqlstate !== undefined ? bySqlstate[sqlstate] : undefined)
  if (known !== undefined) return known
  // The sdk's own transport failures (after its retries): 401xxx/402xxx codes, or by type.
  if (name === 'NetworkError' || name === 'RequestFailedError' || (code !== undefined && /^40[12]\d{3}$/.test(code))) return { code: 'CONNECTION_FAILED' }
  if (sqlstate?.startsWith('08')) return { code: 'CONNECTION_FAILED' }
  if (phase === 'connect') return { code: 'CONNECTION_FAILED', retryable: false }
  return { code: 'SQL_FAILED' }
}
