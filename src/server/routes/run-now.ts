import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { planSync, queueSync } from '../queue-sync.js'
import { requestInput } from '../request-input.js'
import type { ServerContext } from '../server-context.js'

const scopeBody = z.strictObject({
  services: z.array(z.string().min(1).max(200)).max(1000).optional(),
  channels: z.array(z.string().min(1).max(200)).max(1000).optional(),
})

/**
 * Run Now: a batch sync over the chosen channels and services, first as a plan (drift per object:
 * current vs desired and the exact statements), then, confirmed, queued as a sync run for the
 * server's worker; the answer holds the run id for Recent Runs.
 */
export async function runNowRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const { store, catalogBackend, onQueued, log } = context
  app.post('/api/v1/revmeta/sync/plan', async (request) => {
    const scope = requestInput(scopeBody, request.body, 'Run Now scope')
    const report = await planSync(context.config, store, catalogBackend, scope)
    return { summary: report.summary, operations: report.operations.filter((o) => o.status !== 'unchanged'), unchanged: report.operations.filter((o) => o.status === 'unchanged').length }
  })
  app.post('/api/v1/revmeta/sync/apply', async (request) => {
    const scope = requestInput(scopeBody, request.body, 'Run Now scope')
    const who = request.principal?.name ?? 'unknown'
    const result = await queueSync(context.config, store, catalogBackend, scope, `Run Now by ${who}`)
    if (result.queued > 0) onQueued?.()
    log?.(`Run Now by ${who}: ${result.queued} operation(s) queued as run ${result.runId}`)
    return result
  })
}
