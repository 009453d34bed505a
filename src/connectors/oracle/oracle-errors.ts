import { isRevmetaError, RevmetaError } from '../../errors/revmeta-error.js'
import { redactSecrets } from '../../errors/redact-secrets.js'
import { sqlErrorPrefix, type Classified, type SqlErrorContext } from '../kit/error-context.js'
import { messageOf, thrownRecord } from '../kit/error-fields.js'
import { isNetworkErrno } from '../kit/network-errors.js'

/** Oracle (ORA-) and driver (NJS-) codes with a place in the catalogue. */
const byCode: Readonly<Record<string, Classified>> = {
  'ORA-00942': { code: 'OBJECT_NOT_FOUND' },
  'ORA-00904': { code: 'OBJECT_NOT_FOUND' },
  'ORA-04043': { code: 'OBJECT_NOT_FOUND' },
  'ORA-01031': { code: 'PRIVILEGE' },
  'ORA-01720': { code: 'PRIVILEGE' },
  // Resource busy (NOWAIT / DDL_LOCK_TIMEOUT expired), deadlock: the same DDL may pass later.
  'ORA-00054': { code: 'LOCK_TIMEOUT' },
  'ORA-00060': { code: 'LOCK_TIMEOUT' },
  'ORA-04021': { code: 'LOCK_TIMEOUT' },
  // Wrong credentials, locked or expired account: the same attempt fails the same way.
  'ORA-01017': { code: 'CONNECTION_FAILED', retryable: false },
  'ORA-28000': { code: 'CONNECTION_FAILED', retryable: false },
  'ORA-28001': { code: 'CONNECTION_FAILED', retryable: false },
  // The listener does not know the service: a configuration error.
  'ORA-12514': { code: 'CONNECTION_FAILED', retryable: false },
  // Connection lost, closed, timed out, refused (thin mode's NJS-5xx), end of file on the channel.
  'ORA-03113': { code: 'CONNECTION_FAILED' },
  'ORA-03114': { code: 'CONNECTION_FAILED' },
  'ORA-03135': { code: 'CONNECTION_FAILED' },
  'ORA-12541': { code: 'CONNECTION_FAILED' },
  'ORA-12170': { code: 'CONNECTION_FAILED' },
  'NJS-500': { code: 'CONNECTION_FAILED' },
  'NJS-501': { code: 'CONNECTION_FAILED' },
  'NJS-503': { code: 'CONNECTION_FAILED' },
  'NJS-510': { code: 'CONNECTION_FAILED' },
  'NJS-511': { code: 'CONNECTION_FAILED' },
  'NJS-521': { code: 'CONNECTION_FAILED' },
  'DPI-1080': { code: 'CONNECTION_FAILED' },
  // Call timeout (callTimeout) expired.
  'DPI-1067': { code: 'CONNECTION_FAILED' },
  'NJS-123': { code: 'CONNECTION_FAILED' },
}

/** Turns what oracledb throws into a coded error, with Oracle's words but no secret. */
export function classifyOracleError(error: unknown, context: SqlErrorContext): RevmetaError {
  if (isRevmetaError(error)) return error
  const thrown = thrownRecord(error)
  const code = typeof thrown?.record.code === 'string' ? thrown.record.code : undefined
  const errno = typeof thrown?.cause?.code === 'string' ? thrown.cause.code : undefined
  const classified: Classified =
    (code !== undefined ? byCode[code] : undefined) ??
    (isNetworkErrno(errno) || isNetworkErrno(code) ? { code: 'CONNECTION_FAILED' } : undefined) ??
    (context.phase === 'connect' ? { code: 'CONNECTION_FAILED', retryable: false } : { code: 'SQL_FAILED' })
  const serverMessage = redactSecrets(messageOf(error), context.secrets ?? [])
  return new RevmetaError(classified.code, `${sqlErrorPrefix(context)}: ${serverMessage}`, {
    cause: error,
    ...(classified.retryable !== undefined ? { retryable: classified.retryable } : {}),
    details: { engine: context.engine, oracleCode: code, serverMessage, database: context.database, host: context.host, port: context.port },
  })
}
