import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { errorCodes, type ErrorCode } from '../../errors/codes.js'
import { storedReport } from '../../execution/apply-durably.js'
import { requestInput } from '../request-input.js'
import type { ServerContext } from '../server-context.js'
import { fixFor } from './runs.js'

const replayBody = z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(10_000).optional() })

/** Dead letters grouped by error code (with the catalogue's summary and fix), and replay of the chosen ones after a fix. */
export async function deadLetterRoutes(app: FastifyInstance, { store, onQueued, log }: ServerContext): Promise<void> {
  app.get('/api/v1/revmeta/dead-letters', async () => {
    const operations = (await store.operations({ status: 'dead' })).map((s) => ({ storeId: s.id, attempts: s.attempts, ...storedReport(s) }))
    const groups = new Map<string, number[]>()
    for (const op of operations) {
      const code = op.error?.code ?? 'INTERNAL'
      groups.set(code, [...(groups.get(code) ?? []), op.storeId])
    }
    return {
      operations: operations.map((op) => ({ ...op, ...(op.error ? { fix: fixFor(op.error.code) } : {}) })),
      groups: [...groups].map(([code, ids]) => ({ code, summary: code in errorCodes ? errorCodes[code as ErrorCode].summary : '', fix: fixFor(code), count: ids.length, ids })),
    }
  })
  app.post('/api/v1/revmeta/dead-letters/replay', async (request) => {
    const { ids } = requestInput(replayBody, request.body, 'replay request')
    const runId = await store.createRun('replay', `${ids ? `operations ${ids.join(', ')}` : 'all dead letters'} by ${request.principal?.name ?? 'unknown'}`)
    const requeued = await store.replay(runId, ids)
    if (requeued === 0) await store.finishRun(runId)
    else onQueued?.()
    log?.(`replay: ${requeued} dead letter(s) re-queued as run ${runId} by ${request.principal?.name ?? 'unknown'}`)
    return { runId, requeued }
  })
}
