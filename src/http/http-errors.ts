import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { errorReport } from '../model/report.js'
import type { ErrorCode } from '../errors/codes.js'
import { isRevmetaError, RevmetaError } from '../errors/revmeta-error.js'

/** HTTP status of the coded errors a route may answer with; anything not listed is a 500. */
const statusOf: Partial<Record<ErrorCode, number>> = {
  AUTH_REQUIRED: 401,
  AUTH_FORBIDDEN: 403,
  SUBSCRIPTION_REFUSED: 403,
  REQUEST_INVALID: 400,
  INPUT_MALFORMED: 400,
  FQN_INVALID: 400,
  NAME_HAS_QUOTE: 400,
  WEBHOOK_SIGNATURE: 401,
  BODY_TOO_LARGE: 413,
  CATALOG_NOT_FOUND: 404,
  // Web app API (issue 16).
  CONFIG_INVALID: 400,
  TEMPLATE_INVALID: 400,
  SCHEDULE_INVALID: 400,
  SESSION_CSRF: 403,
  SIGN_IN_LIMITED: 429,
  CHANNEL_READ_ONLY: 409,
  CHANNEL_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  UNKNOWN_SERVICE: 404,
}

export function httpStatusOf(error: RevmetaError): number {
  return statusOf[error.code] ?? 500
}

/** Sends a coded error as revmeta's routes answer: `{ error: { code, message, retryable } }`. */
export function sendCoded(reply: FastifyReply, error: RevmetaError): FastifyReply {
  return reply.code(httpStatusOf(error)).send({ error: errorReport(error) })
}

/**
 * Fastify's own 4xx refusals (body too large, bad JSON, unsupported media type) as coded errors.
 * Returns undefined for anything that is not a client error.
 */
export function clientError(error: FastifyError | Error): RevmetaError | undefined {
  if (isRevmetaError(error)) return httpStatusOf(error) < 500 ? error : undefined
  const { code, statusCode } = error as FastifyError
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || statusCode === 413) return new RevmetaError('BODY_TOO_LARGE', 'The request body is larger than this server accepts.')
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (error instanceof SyntaxError && statusCode === 400)) {
    return new RevmetaError('INPUT_MALFORMED', `The request body is not JSON: ${error.message}`)
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) return new RevmetaError('REQUEST_INVALID', error.message, { details: { status: statusCode } })
  return undefined
}

/**
 * One log line for a failure the client did not cause: the route pattern (never the query or the
 * body, which may hold values) and the error's code and first line. No stack: it helps nobody at
 * 3 a.m. and can hold request data.
 */
export function internalErrorLine(request: FastifyRequest, error: Error): string {
  const code = isRevmetaError(error) ? error.code : ((error as FastifyError).code ?? 'INTERNAL')
  const message = (error.message ?? String(error)).split('\n')[0]!.slice(0, 300)
  return `${request.method} ${request.routeOptions.url ?? '(no route)'} failed: ${code}: ${message}`
}

/** A NUL anywhere in a decoded path parameter or query value: no store or engine accepts it in a name. */
export function hasNul(request: FastifyRequest): boolean {
  const values = (bag: unknown): unknown[] => (bag !== null && typeof bag === 'object' ? Object.values(bag).flat() : [])
  return [...values(request.params), ...values(request.query)].some((v) => typeof v === 'string' && v.includes('\u0000'))
}

export const badUrl = (): RevmetaError => new RevmetaError('REQUEST_INVALID', 'The URL is malformed: bad percent-encoding, or a NUL character.')
