import type { FastifyInstance } from 'fastify'
import { errorReport } from '../model/report.js'
import { RevmetaError } from '../errors/revmeta-error.js'
import { omCollections, type OmEntityType } from '../openmetadata/om-types.js'
import type { RoutePlugin } from '../http/route-plugin.js'
import { badRequest } from './catalog-error.js'
import type { CatalogService } from './catalog-service.js'
import { directoryRoutes } from './directory-routes.js'
import type { EventFilter } from './event-store.js'
import { openCatalog } from './open-catalog.js'
import { includeParam, installErrorHandler, integerParam, param, pathParam } from './route-helpers.js'
import { ensureSelfSubscription } from './self-subscription.js'
import { configuredAllowlist } from './subscription-allowlist.js'
import type { DeliveryOptions } from './webhook-dispatcher.js'

export interface CatalogRoutesOptions {
  readonly delivery?: DeliveryOptions
  /** Keep a subscription to this server's own webhook once it listens (default true). */
  readonly selfSubscription?: boolean
  readonly log?: (line: string) => void
  /** Called with the catalog once it is open (tests, and callers that drive it in process). */
  readonly onCatalog?: (catalog: CatalogService) => void
}

/**
 * Who a PATCH is recorded for is the caller's token name. An admin may name someone else (a
 * front end acting for its signed-in user) in this header; anyone else sending it is refused.
 */
export const userHeader = 'x-revmeta-user'

const eventTypeParams = ['entityCreated', 'entityUpdated', 'entityDeleted', 'entitySoftDeleted', 'entityRestored']

/**
 * The OpenMetadata API subset revmeta's own client uses, served from the built-in catalog:
 * entities by name and id with `fields`, listing with `limit` / `after` paging and service,
 * database and databaseSchema filters, JSON Patch updates, change events, users, teams, tags and
 * webhook subscriptions. Who may call what is decided by the server's auth hook (src/server/auth).
 */
export function catalogRoutes(options: CatalogRoutesOptions = {}): RoutePlugin {
  return async (app, { config, store, webhookSecret }) => {
    const log = options.log ?? ((line: string) => process.stderr.write(`revmeta catalog: ${line}\n`))
    const allowEndpoint = configuredAllowlist(config, () => app.server.address())
    const catalog = openCatalog(store, { delivery: { log, allowEndpoint, ...options.delivery } })
    options.onCatalog?.(catalog)
    installErrorHandler(app, log)
    app.addContentTypeParser('application/json-patch+json', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string))
      } catch (error) {
        done(badRequest(`The body is not JSON: ${(error as Error).message}`), undefined)
      }
    })
    for (const [type, collection] of Object.entries(omCollections) as [OmEntityType, string][]) entityRoutes(app, catalog, type, collection)
    app.get('/api/v1/events', async (request) => {
      const timestamp = integerParam(request, 'timestamp', { min: 0, max: Number.MAX_SAFE_INTEGER })
      if (timestamp === undefined) throw badRequest('query param timestamp must not be null')
      const data = await catalog.listEvents(timestamp, eventFilter(request.query as Record<string, unknown>))
      return { data, paging: { total: data.length } }
    })
    await directoryRoutes(app, catalog, allowEndpoint)
    app.addHook('onClose', async () => {
      const { undelivered } = await catalog.close()
      if (undelivered > 0) log(`${undelivered} webhook delivery(ies) abandoned at shutdown; the events stay readable at GET /api/v1/events`)
    })
    if (options.selfSubscription !== false) {
      app.addHook('onListen', async () => {
        try {
          const subscription = await ensureSelfSubscription(catalog, config, app.server.address(), webhookSecret)
          log(`catalog edits are delivered to ${subscription.endpoint} (subscription ${subscription.name}${subscription.secret ? ', signed' : ''})`)
        } catch (error) {
          log(`cannot subscribe to this server's own webhook: ${(error as Error).message}`)
        }
      })
    }
  }
}

function entityRoutes(app: FastifyInstance, catalog: CatalogService, type: OmEntityType, collection: string): void {
  const base = `/api/v1/${collection}`
  app.get(`${base}/name/:fqn`, async (request) => catalog.getEntity(type, pathParam(request, 'fqn'), param(request, 'fields'), includeParam(request)))
  app.get(`${base}/:id`, async (request) => catalog.getEntityById(type, pathParam(request, 'id'), param(request, 'fields'), includeParam(request)))
  app.get(base, async (request) => {
    const filter = { service: param(request, 'service'), database: param(request, 'database'), databaseSchema: param(request, 'databaseSchema') }
    const limit = integerParam(request, 'limit', { min: 0, max: 10_000 }) ?? 10
    const after = param(request, 'after')
    return catalog.listEntities(type, filter, { limit, ...(after ? { after } : {}), fields: param(request, 'fields'), include: includeParam(request) })
  })
  app.patch(`${base}/:id`, async (request, reply) => {
    const asked = request.headers[userHeader]
    const principal = request.principal
    let userName = principal?.name ?? 'anonymous'
    if (typeof asked === 'string' && asked.length > 0) {
      if (principal?.role !== 'admin') {
        const error = new RevmetaError('AUTH_FORBIDDEN', `Only an admin token may record an edit for another user (${userHeader}); token ${principal?.name ?? '(none)'} is a ${principal?.role ?? 'nobody'}.`)
        return reply.code(403).send({ code: 403, message: error.message, error: errorReport(error) })
      }
      userName = asked
    }
    return catalog.patchEntity(type, pathParam(request, 'id'), request.body, userName)
  })
}

/**
 * The filter GET /api/v1/events takes: per event type, a comma-separated list of entity types or
 * `*`. A soft deletion is listed under entityDeleted too, since OpenMetadata's own filter list
 * has no entry a client could use for it.
 */
function eventFilter(query: Record<string, unknown>): EventFilter {
  const filter: Record<string, string[]> = {}
  for (const key of eventTypeParams) {
    const raw = query[key]
    const value = Array.isArray(raw) ? raw.join(',') : raw
    if (typeof value !== 'string' || value.trim() === '') continue
    const types = value.split(',').map((t) => t.trim()).filter((t) => t.length > 0)
    filter[key] = [...(filter[key] ?? []), ...types]
    if (key === 'entityDeleted') filter.entitySoftDeleted = [...(filter.entitySoftDeleted ?? []), ...types]
  }
  return filter
}
