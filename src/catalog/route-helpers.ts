import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isRevmetaError } from '../errors/revmeta-error.js'
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
 * status, malformed requests (bad JSON, a refused FQN) as 400, anything else as 500 and logged.
 */
export function installErrorHandler(app: FastifyInstance, log: (line: string) => void): void {
  app.setErrorHandler((error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply) => {
    if (isCatalogError(error)) return reply.code(error.status).send({ code: error.status, message: error.message })
    if (isRevmetaError(error) && (error.code === 'FQN_INVALID' || error.code === 'NAME_HAS_QUOTE')) return reply.code(400).send({ code: 400, message: error.message })
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    if (status === 500) log(`${request.method} ${request.url} failed: ${error.stack ?? error.message}`)
    return reply.code(status).send({ code: status, message: status === 500 ? `Internal error: ${error.message}` : error.message })
  })
}
