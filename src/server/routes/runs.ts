import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { errorCodes, type ErrorCode } from '../../errors/codes.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import { storedReport } from '../../execution/apply-durably.js'
import { RunQueries, runStates } from '../../store/run-queries.js'
import type { StoredOperation, StateStore } from '../../store/state-store.js'
import { requestInput } from '../request-input.js'
import type { ServerContext } from '../server-context.js'

const runModes = ['apply', 'rollback', 'replay', 'sync', 'webhook', 'poll'] as const
const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  state: z.enum(runStates).optional(),
  mode: z.enum(runModes).optional(),
  service: z.string().min(1).max(200).optional(),
  channel: z.string().min(1).max(200).optional(),
})
export const runIdParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) })

/** The catalogue's fix text beside a failure's code, so the run page says what to do about it. */
export const fixFor = (code: string | undefined): string | undefined => (code !== undefined && code in errorCodes ? errorCodes[code as ErrorCode].fix : undefined)

/** One operation as the run page shows it: its report, attempts, the fix text and every statement audited with the values around it. */
export async function operationDetail(store: StateStore, stored: StoredOperation) {
  const report = storedReport(stored)
  const audit = await store.audit({ operationId: stored.id })
  return {
    storeId: stored.id,
    ...report,
    storedStatus: stored.status,
    attempts: stored.attempts,
    ...(report.error ? { fix: fixFor(report.error.code) } : {}),
    audit: audit.map((a) => ({ attempt: a.attempt, statement: a.statement, before: a.before, after: a.after, outcome: a.outcome, at: a.at })),
  }
}

export async function requireRun(store: StateStore, id: number) {
  const run = await store.getRun(id)
  if (!run) throw new RevmetaError('RUN_NOT_FOUND', `There is no run ${id}.`, { details: { run: id } })
  return run
}

/** Recent Runs: filtered lists, and one run with every operation (live progress while it runs). */
export async function runRoutes(app: FastifyInstance, { store }: ServerContext): Promise<void> {
  app.get('/api/v1/revmeta/runs', async (request) => {
    const query = requestInput(listQuery, request.query, 'query')
    return { runs: await RunQueries.of(store).list(query) }
  })
  app.get('/api/v1/revmeta/runs/:id', async (request) => {
    const { id } = requestInput(runIdParams, request.params, 'run id')
    const run = await requireRun(store, id)
    const stored = await store.operations({ runId: id })
    const operations = await Promise.all(stored.map((s) => operationDetail(store, s)))
    const settled = stored.filter((s) => s.status !== 'pending' && s.status !== 'running').length
    return { run, progress: { settled, total: stored.length, finished: run.finishedAt !== undefined }, operations }
  })
}
