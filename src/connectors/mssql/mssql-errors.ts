import { isRevmetaError, RevmetaError } from '../../errors/revmeta-error.js'
import { redactSecrets } from '../../errors/redact-secrets.js'
import { sqlErrorPrefix, type Classified, type SqlErrorContext } from '../kit/error-context.js'
import { messageOf, thrownRecord } from '../kit/error-fields.js'

/** SQL Server error numbers with a place in the catalogue. */
const byNumber: Readonly<Record<number, Classified>> = {
  // Invalid object name; "Object is invalid. Extended properties are not permitted on ..." (the level names no object).
  208: { code: 'OBJECT_NOT_FOUND' },
  15135: { code: 'OBJECT_NOT_FOUND' },
  15151: { code: 'OBJECT_NOT_FOUND' },
  4902: { code: 'OBJECT_NOT_FOUND' },
  // Cannot find the user / login / principal the owner is to be.
  15007: { code: 'OBJECT_NOT_FOUND' },
  15401: { code: 'OBJECT_NOT_FOUND' },
  // Permission denied; "You do not have permission or the object does not exist."
  229: { code: 'PRIVILEGE' },
  262: { code: 'PRIVILEGE' },
  297: { code: 'PRIVILEGE' },
  15247: { code: 'PRIVILEGE' },
  15110: { code: 'PRIVILEGE' },
  // Lock request time out; chosen as deadlock victim: the same batch may pass later.
  1222: { code: 'LOCK_TIMEOUT' },
  1205: { code: 'LOCK_TIMEOUT' },
  // Login failed, database cannot be opened for this login: the same attempt fails the same way.
  18456: { code: 'CONNECTION_FAILED', retryable: false },
  4060: { code: 'DATABASE_UNREACHABLE' },
  // Azure SQL: the database is busy or being moved; retry as Microsoft's guidance says.
  40613: { code: 'CONNECTION_FAILED' },
  40501: { code: 'CONNECTION_FAILED' },
  40197: { code: 'CONNECTION_FAILED' },
}

/** The driver's own codes (mssql ConnectionError / RequestError `code`). */
const byDriverCode: Readonly<Record<string, Classified>> = {
  ESOCKET: { code: 'CONNECTION_FAILED' },
  ECONNCLOSED: { code: 'CONNECTION_FAILED' },
  ETIMEOUT: { code: 'CONNECTION_FAILED' },
  EINSTLOOKUP: { code: 'CONNECTION_FAILED' },
  ELOGIN: { code: 'CONNECTION_FAILED', retryable: false },
  ENOTOPEN: { code: 'CONNECTION_FAILED' },
}

/** Turns what mssql / tedious throw into a coded error, with SQL Server's words but no secret. */
export function classifyMssqlError(error: unknown, context: SqlErrorContext): RevmetaError {
  if (isRevmetaError(error)) return error
  const thrown = thrownRecord(error)
  const record = thrown?.record ?? {}
  const original = (typeof record.originalError === 'object' && record.originalError !== null ? record.originalError : undefined) as Record<string, unknown> | undefined
  const number = typeof record.number === 'number' ? record.number : typeof original?.number === 'number' ? original.number : undefined
  const driverCode = typeof record.code === 'string' ? record.code : undefined
  const classified = (number !== undefined ? byNumber[number] : undefined) ?? (driverCode !== undefined ? byDriverCode[driverCode] : undefined) ?? (context.phase === 'connect' ? { code: 'CONNECTION_FAILED' as const } : { code: 'SQL_FAILED' as const })
  const serverMessage = redactSecrets(messageOf(error), context.secrets ?? [])
  const tail = [number !== undefined ? `error ${number}` : undefined, driverCode !== undefined && driverCode !== 'EREQUEST' ? driverCode : undefined].filter((part) => part !== undefined).join(', ')
  return new RevmetaError(classified.code, `${sqlErrorPrefix(context)}: ${serverMessage}${tail ? ` [${tail}]` : ''}`, {
    cause: error,
    ...(classified.retryable !== undefined ? { retryable: classified.retryable } : {}),
    details: { engine: context.engine, number, driverCode, serverMessage, database: context.database, host: context.host, port: context.port },
  })
}
