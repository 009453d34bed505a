import { RevmetaError, type ErrorDetails } from '../errors/revmeta-error.js'

type StoreErrorCode = 'STORE_LOCKED' | 'STORE_INCOMPATIBLE'

export function storeError(code: StoreErrorCode, message: string, options: { details?: ErrorDetails; cause?: unknown } = {}): RevmetaError {
  return new RevmetaError(code, message, options)
}

const connectionErrnos = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])

/**
 * A store query that failed because the store could not be reached is worth retrying by the
 * caller (a worker keeps going once PostgreSQL is back); anything else is returned unchanged.
 */
export function classifyStoreError(error: unknown, where: string): unknown {
  if (error instanceof RevmetaError) return error
  const e = error as { code?: unknown; message?: unknown }
  const code = typeof e?.code === 'string' ? e.code : ''
  const message = typeof e?.message === 'string' ? e.message : String(error)
  // The embedded store: another process kept the write lock past the busy timeout. Worth retrying.
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new RevmetaError('CONNECTION_FAILED', `State store ${where}: the embedded store stayed busy (another process held its write lock): ${message}`, {
      cause: error,
      retryable: true,
      details: { store: where, sqliteCode: code },
    })
  }
  const lost =
    connectionErrnos.has(code) ||
    code.startsWith('08') || // connection exception
    code === '57P01' || code === '57P02' || code === '57P03' || // admin shutdown, crash shutdown, cannot connect now
    /Connection terminated|connection timeout|timeout expired|Query read timeout|Client has encountered a connection error|not queryable/i.test(message)
  if (!lost) return error
  return new RevmetaError('CONNECTION_FAILED', `State store ${where}: ${message}`, { cause: error, retryable: true, details: { store: where, ...(code ? { sqlState: code } : {}) } })
}
