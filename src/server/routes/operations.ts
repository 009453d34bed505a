import type { FastifyInstance } from 'fastify'
import { storedReport } from '../../execution/apply-durably.js'
import type { ServerContext } from '../server-context.js'

/** Runs, their operations and dead letters, read-only: what `revmeta runs` shows, over HTTP. Secrets never appear: reports hold none. */
export async function operationRoutes(app: FastifyInstance, { store, metrics }: ServerContext): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/api/v1/revmeta/runs', async (request) => {
    const limit = Math.min(500, Number((request.query as { limit?: string }).limit ?? 50) || 50)
    return { runs: await store.listRuns(limit) }
  })
  app.get('/api/v1/revmeta/runs/:id', async (request, reply) => {
    const id = Number((request.params as { id: string }).id)
    const run = Number.isSafeInteger(id) ? await store.getRun(id) : undefined
    if (!run) return reply.code(404).send({ error: { code: 'CATALOG_NOT_FOUND', message: `no run ${(request.params as { id: string }).id}` } })
    return { run, operations: (await store.operations({ runId: id })).map((s) => ({ storeId: s.id, ...storedReport(s) })) }
  })
  app.get('/api/v1/revmeta/dead-letters', async () => ({ operations: (await store.operations({ status: 'dead' })).map((s) => ({ storeId: s.id, ...storedReport(s) })) }))
  app.get('/metrics', async (_request, reply) => {
    metrics.queueDepth.set(await store.unsettled())
    metrics.deadLetters.set((await store.operations({ status: 'dead' })).length)
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })
}
