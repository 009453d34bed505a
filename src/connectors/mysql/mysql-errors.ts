import { isRevmetaError, RevmetaError } from '../../errors/revmeta-error.js'
import { sqlErrorPrefix, type Classified, type SqlErrorContext } from '../kit/error-context.js'
import { stringField, thrownRecord } from '../kit/error-fields.js'
import { isNetworkErrno } from '../kit/network-errors.js'
import { redactSecrets } from '../../errors/redact-secrets.js'

/** Kept under this name for the mysql client. */
export type MysqlErrorContext = SqlErrorContext

const byErrno: Readonly<Record<number, Classified>> = {
  // Lock wait timeout (metadata locks included) and deadlock: the same statement may pass later.
  1205: { code: 'LOCK_TIMEOUT' },
  1213: { code: 'LOCK_TIMEOUT' },
  1049: { code: 'OBJECT_NOT_FOUND' },
  1146: { code: 'OBJECT_NOT_FOUND' },
  1054: { code: 'OBJECT_NOT_FOUND' },
  1044: { code: 'PRIVILEGE' },
  1142: { code: 'PRIVILEGE' },
  1143: { code: 'PRIVILEGE' },
  1227: { code: 'PRIVILEGE' },
  // Wrong user or password: the same attempt cannot succeed later.
  1045: { code: 'CONNECTION_FAILED', retryable: false },
  1130: { code: 'CONNECTION_FAILED', retryable: false },
  1040: { code: 'CONNECTION_FAILED' },
  1053: { code: 'CONNECTION_FAILED' },
  2006: { code: 'CONNECTION_FAILED' },
  2013: { code: 'CONNECTION_FAILED' },
  4031: { code: 'CONNECTION_FAILED' },
  // The session was killed (MariaDB 1927, MySQL 3169): its connection is gone, a new one may work.
  1927: { code: 'CONNECTION_FAILED' },
  3169: { code: 'CONNECTION_FAILED' },
  // "is not of type 'BASE TABLE'": a view, which cannot hold a comment.
  1347: { code: 'UNSUPPORTED' },
  // Table, column and (MariaDB) database comment longer than the server allows.
  1628: { code: 'VALUE_TOO_LONG' },
  1629: { code: 'VALUE_TOO_LONG' },
  4144: { code: 'VALUE_TOO_LONG' },
}

/** mysql2's own codes for a connection that is gone, beside Node's network errnos. */
const lostConnection = new Set(['PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'POOL_CLOSED'])

/** Turns anything mysql2 throws into a coded error, keeping the server's words. */
export function classifyMysqlError(error: unknown, context: MysqlErrorContext): RevmetaError {
  if (isRevmetaError(error)) return error
  const fields = errorFields(error)
  const classified = classify(fields, context.phase)
  const serverMessage = redactSecrets(fields.message ?? 'unknown error', context.secrets)
  const tags = [fields.errno !== undefined ? `errno ${fields.errno}` : fields.code, fields.sqlState !== undefined ? `SQLSTATE ${fields.sqlState}` : undefined].filter((tag) => tag !== undefined)
  const message = `${sqlErrorPrefix(context)}: ${serverMessage}${tags.length > 0 ? ` [${tags.join(', ')}]` : ''}`
  return new RevmetaError(classified.code, message, {
    cause: error,
    ...(classified.retryable !== undefined ? { retryable: classified.retryable } : {}),
    details: {
      engine: context.engine,
      errno: fields.errno,
      driverCode: fields.code,
      sqlstate: fields.sqlState,
      serverMessage,
      database: context.database,
      host: context.host,
      port: context.port,
    },
  })
}

function classify(fields: ErrorFields, phase: MysqlErrorContext['phase']): Classified {
  if (fields.errno !== undefined) {
    const known = byErrno[fields.errno]
    if (known !== undefined) return known
  }
  if (isNetworkErrno(fields.code, lostConnection)) return { code: 'CONNECTION_FAILED' }
  // A fatal error leaves the connection unusable; whatever caused it, a new one may work.
  if (fields.fatal) return { code: 'CONNECTION_FAILED' }
  // TLS and other setup errors: retrying will not fix a configuration problem.
  if (phase === 'connect') return { code: 'CONNECTION_FAILED', retryable: false }
  return { code: 'SQL_FAILED' }
}

interface ErrorFields {
  readonly message?: string
  readonly code?: string
  readonly errno?: number
  readonly sqlState?: string
  readonly fatal: boolean
}

function errorFields(error: unknown): ErrorFields {
  const thrown = thrownRecord(error)
  if (!thrown) return { message: String(error), fatal: false }
  const { record, inner } = thrown
  const code = stringField(record, 'code') ?? stringField(inner, 'code')
  // Node's own errno is negative (-111); the server's is a positive error number.
  const errno = typeof record.errno === 'number' && record.errno > 0 ? record.errno : undefined
  return {
    message: stringField(record, 'sqlMessage') || stringField(record, 'message') || stringField(inner, 'message') || code,
    code,
    errno,
    sqlState: stringField(record, 'sqlState'),
    fatal: record.fatal === true,
  }
}
