import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { RunQueries } from '../../store/run-queries.js'
import { catalogAssetCounts } from '../../store/catalog-asset-counts.js'
import { requestInput } from '../request-input.js'
import type { ServerContext } from '../server-context.js'
import { checkService } from '../../check/check-service.js'
import { loadConnector } from '../../connectors/registry.js'

/** The Services page's check waits this long at most, well inside server.timeouts.requestMs. */
const checkTimeoutMs = 20_000
const nameParams = z.strictObject({ name: z.string().min(1).max(200) })

/** The Services page: each service, its engine, the channels writing to it, its assets in the built-in catalog, its last run; and a live check. */
export async function serviceRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const { store } = context
  app.get('/api/v1/revmeta/services', async () => {
    const config = context.config
    const [counts, lastRuns] = await Promise.all([catalogAssetCounts(store), RunQueries.of(store).lastRuns()])
    // How far each engine is proven here (live, wire, golden), as the connector declares it.
    const tiers = new Map(await Promise.all([...new Set(config.services.map((s) => s.type))].map(async (type) => [type, (await loadConnector(type))?.tier] as const)))
    return {
      services: config.services.map((s) => ({
        name: s.name,
        engine: s.type,
        tier: tiers.get(s.type) ?? null,
        channels: config.channels.filter((c) => c.services.includes(s.name)).map((c) => c.name),
        assets: counts.get(s.name) ?? { databases: 0, schemas: 0, tables: 0, columns: 0 },
        lastRun: lastRuns.get(s.name) ?? null,
      })),
    }
  })
  app.get('/api/v1/revmeta/services/:name/check', async (request) => {
    const { name } = requestInput(nameParams, request.params, 'service name')
    const service = context.config.services.find((s) => s.name === name)
    if (!service) throw new RevmetaError('UNKNOWN_SERVICE', `No service named ${JSON.stringify(name)}.`, { details: { service: name } })
    // revmeta check's own answer (connection, version, privileges per kind with grants), bounded below the request timeout.
    return checkService(context.config, service.name, { signal: AbortSignal.timeout(checkTimeoutMs) })
  })
}
