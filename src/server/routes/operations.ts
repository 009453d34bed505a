import type { FastifyInstance } from 'fastify'
import type { ServerContext } from '../server-context.js'

/** Liveness and metrics. Runs, operations and dead letters have route files of their own (runs.ts, dead-letters.ts). */
export async function operationRoutes(app: FastifyInstance, { store, metrics }: ServerContext): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/metrics', async (_request, reply) => {
    metrics.queueDepth.set(await store.unsettled())
    metrics.deadLetters.set((await store.operations({ status: 'dead' })).length)
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })
}
