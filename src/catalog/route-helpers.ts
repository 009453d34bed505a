import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errorReport } from '../model/report.js'
import { clientError, httpStatusOf, internalErrorLine } from '../http/http-errors.js'
import { badRequest, isCatalogError } from './catalog-error.js'

export type Query = Record<string, string | string[] | undefined>

/** One query parameter; a repeated one counts by its first value. */
export function param(request: FastifyRequest, key: string): string | undefined {
  const value = (request.query as Query)[key]
  return Array.isArray(value) ? value[0] : value
}

export function pathParam(request: FastifyRequest, key: string): string {
  return (request.params as Record<string, string>)[key] ?? ''
}

export function integerParam(request: FastifyRequest, key: string, bounds: { min: number; max: number }): number | undefined {
  const raw = param(request, key)
  if (raw === undefined || raw === '') return undefined
  const value = Number(raw)
  if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) throw badRequest(`query param ${key} must be an integer from ${bounds.min} to ${bounds.max}`)
  return value
}

export function includeParam(request: FastifyRequest): 'non-deleted' | 'deleted' | 'all' {
  const value = param(request, 'include') ?? 'non-deleted'
  if (value !== 'non-deleted' && value !== 'deleted' && value !== 'all') throw badRequest('query param include must be one of non-deleted, deleted, all')
  return value
}

/**
 * Errors in OpenMetadata's shape, `{ code, message }`: the catalog's own refusals with their
 * status; coded refusals (a refused FQN, a subscription off the allowlist, a body too large, bad
 * JSON) with their status and the coded error beside; anything else as 500, logged in one line
 * (route pattern, code, first line of the message: never a body, a token or a stack).
 */
export function installErrorHandler(app: FastifyInstance, log: (line: string) => void): void {
  app.setErrorHandler((error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply) => {
    if (isCatalogError(error)) return reply.code(error.status).send({ code: error.status, message: error.message })
    const refused = clientError(error)
    if (refused !== undefined) {
      const status = httpStatusOf(refused) === 500 ? (error.statusCode ?? 400) : httpStatusOf(refused)
      return reply.code(status).send({ code: status, message: refused.message, error: errorReport(refused) })
    }
    log(internalErrorLine(request, error))
    return reply.code(500).send({ code: 500, message: `Internal error: ${error.message}` })
  })
}
