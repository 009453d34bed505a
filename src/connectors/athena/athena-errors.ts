import { isRevmetaError, RevmetaError } from '../../errors/revmeta-error.js'
import { redactSecrets } from '../../errors/redact-secrets.js'
import type { Classified } from '../kit/error-context.js'
import { stringField, thrownRecord } from '../kit/error-fields.js'
import { isNetworkErrno } from '../kit/network-errors.js'

/** Glue's error types (the `name` of an SDK exception) with a place in the catalogue. */
const byGlueError: Readonly<Record<string, Classified>> = {
  EntityNotFoundException: { code: 'OBJECT_NOT_FOUND' },
  AccessDeniedException: { code: 'PRIVILEGE' },
  // VersionId no longer current (another writer), once the client's re-reads are used up.
  ConcurrentModificationException: { code: 'CONCURRENT_MODIFICATION' },
  VersionMismatchException: { code: 'CONCURRENT_MODIFICATION' },
  ThrottlingException: { code: 'THROTTLED' },
  TooManyRequestsException: { code: 'THROTTLED' },
  // Glue's own trouble: the same request may pass later.
  InternalServiceException: { code: 'CONNECTION_FAILED' },
  OperationTimeoutException: { code: 'CONNECTION_FAILED' },
  ResourceNotReadyException: { code: 'CONNECTION_FAILED' },
  ServiceUnavailableException: { code: 'CONNECTION_FAILED' },
  // The request itself is wrong for Glue: sending it again cannot help.
  InvalidInputException: { code: 'SQL_FAILED' },
  ValidationException: { code: 'SQL_FAILED' },
  ResourceNumberLimitExceededException: { code: 'SQL_FAILED' },
  GlueEncryptionException: { code: 'SQL_FAILED' },
  FederationSourceException: { code: 'SQL_FAILED' },
  // Credentials refused or missing: no retry makes them valid.
  UnrecognizedClientException: { code: 'CONNECTION_FAILED', retryable: false },
  InvalidSignatureException: { code: 'CONNECTION_FAILED', retryable: false },
  InvalidClientTokenId: { code: 'CONNECTION_FAILED', retryable: false },
  SignatureDoesNotMatch: { code: 'CONNECTION_FAILED', retryable: false },
  MissingAuthenticationToken: { code: 'CONNECTION_FAILED', retryable: false },
  CredentialsProviderError: { code: 'CONNECTION_FAILED', retryable: false },
  // Temporary credentials ran out: the default chain refreshes them on the next call.
  ExpiredTokenException: { code: 'CONNECTION_FAILED' },
}

export interface GlueErrorContext {
  /** The Glue action, `GetTables`, `UpdateTable`, ... */
  readonly action: string
  /** What it acted on: `sales.orders`, `sales`. */
  readonly object?: string
  readonly secrets: readonly string[]
}

/** Turns what the Glue SDK throws into a coded error of that operation, Glue's words kept, secrets blanked. */
export function classifyGlueError(error: unknown, context: GlueErrorContext): RevmetaError {
  if (isRevmetaError(error)) return error
  const thrown = thrownRecord(error)
  const name = stringField(thrown?.record, 'name') ?? 'Error'
  const errno = stringField(thrown?.record, 'code') ?? stringField(thrown?.cause, 'code')
  const status = (thrown?.record.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode
  const classified = byGlueError[name] ?? fallback(name, errno, status)
  const message = redactSecrets(stringField(thrown?.record, 'message') ?? String(error), context.secrets)
  const on = context.object !== undefined ? ` on ${context.object}` : ''
  return new RevmetaError(classified.code, `Glue ${context.action}${on} failed: ${name}: ${message}`, {
    cause: error,
    ...(classified.retryable !== undefined ? { retryable: classified.retryable } : {}),
    details: { engine: 'athena', action: context.action, object: context.object, glueError: name, httpStatus: status },
  })
}

function fallback(name: string, errno: string | undefined, status: number | undefined): Classified {
  if (isNetworkErrno(errno) || name === 'TimeoutError' || name === 'RequestTimeout') return { code: 'CONNECTION_FAILED' }
  if (status === 429) return { code: 'THROTTLED' }
  if (status !== undefined && status >= 500) return { code: 'CONNECTION_FAILED' }
  if (status === 401 || status === 403) return { code: 'PRIVILEGE' }
  return { code: 'SQL_FAILED' }
}
