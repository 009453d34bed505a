import { isRevmetaError, RevmetaError } from '../../errors/revmeta-error.js'
import { redactSecrets } from '../../errors/redact-secrets.js'
import type { Classified } from '../kit/error-context.js'
import { stringField, thrownRecord } from '../kit/error-fields.js'
import { isNetworkErrno } from '../kit/network-errors.js'

/** BigQuery's error reasons (`error.errors[].reason`) that mean "slow down", whatever the status. */
const throttled = new Set(['rateLimitExceeded', 'backendError', 'internalError'])

function classify(status: number | undefined, reason: string | undefined, errno: string | undefined): Classified {
  if (reason !== undefined && throttled.has(reason)) return reason === 'rateLimitExceeded' ? { code: 'THROTTLED' } : { code: 'CONNECTION_FAILED' }
  if (status === 429) return { code: 'THROTTLED' }
  if (status === 412) return { code: 'CONCURRENT_MODIFICATION' }
  if (status === 404) return { code: 'OBJECT_NOT_FOUND' }
  // quotaExceeded is a daily or project quota: retrying within the run cannot help.
  if (status === 403) return reason === 'quotaExceeded' ? { code: 'API_REQUEST_FAILED' } : { code: 'PRIVILEGE' }
  if (status === 401) return { code: 'CONNECTION_FAILED', retryable: false }
  if (status !== undefined && status >= 500) return { code: 'CONNECTION_FAILED' }
  if (status === undefined && isNetworkErrno(errno)) return { code: 'CONNECTION_FAILED' }
  return { code: 'API_REQUEST_FAILED' }
}

/**
 * Turns what @google-cloud/bigquery throws (an ApiError with the HTTP status as `code` and
 * BigQuery's `errors[]`, or a socket error) into a coded error naming the request that failed.
 */
export function classifyBigQueryError(error: unknown, request: string, secrets: readonly string[] = []): RevmetaError {
  if (isRevmetaError(error)) return error
  const thrown = thrownRecord(error)
  const record = thrown?.record ?? { message: String(error) }
  const status = typeof record.code === 'number' ? record.code : undefined
  const errno = stringField(record, 'code') ?? stringField(thrown?.cause, 'code')
  const errors = Array.isArray(record.errors) ? (record.errors as Record<string, unknown>[]) : []
  const reason = errors.map((e) => stringField(e, 'reason')).find((r) => r !== undefined)
  const classified = classify(status, reason, errno)
  const serverMessage = redactSecrets(stringField(record, 'message') ?? 'unknown error', secrets)
  const tail = [status !== undefined ? `HTTP ${status}` : errno, reason].filter((p) => p !== undefined).join(' ')
  return new RevmetaError(classified.code, `BigQuery rejected ${request}: ${serverMessage}${tail ? ` [${tail}]` : ''}`, {
    cause: error,
    ...(classified.retryable !== undefined ? { retryable: classified.retryable } : {}),
    details: { engine: 'bigquery', request, status, reason, serverMessage },
  })
}
