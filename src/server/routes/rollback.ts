import type { FastifyInstance } from 'fastify'
import { rollbackOperations } from '../../execution/rollback-operations.js'
import type { StateStore } from '../../store/state-store.js'
import { requestInput } from '../request-input.js'
import type { ServerContext } from '../server-context.js'
import { requireRun, runIdParams } from './runs.js'

/** What rolling back a run would restore: each operation's value before the run, and what is left out and why. */
async function rollbackPlan(store: StateStore, target: number) {
  const audit = await store.audit({ runId: target })
  const stored = await store.operations({ runId: target })
  const plan = rollbackOperations(audit, stored)
  const lastAfter = new Map<number, string | null | undefined>()
  for (const a of audit) if (a.outcome === 'applied' || a.outcome === 'recovered') lastAfter.set(a.operationId, a.after)
  const byOpId = new Map(stored.map((s) => [s.op.id, s]))
  return {
    plan,
    restore: plan.operations.map((op) => {
      const from = byOpId.get(op.id)
      return {
        asset: from?.key.split('|')[1] ?? op.id,
        service: op.service,
        channel: op.channel,
        kind: op.kind,
        current: from ? lastAfter.get(from.id) : undefined,
        restore: op.kind === 'description' ? op.description : op.kind === 'owners' ? op.principal : undefined,
      }
    }),
    skipped: plan.skipped.map((s) => ({ asset: s.key.split('|')[1] ?? s.key, kind: s.op.kind, why: 'custom template, tags, or no recorded previous value' })),
  }
}

/** Rollback in two steps: a preview of what will be restored, then the confirmed rollback as a run of its own. */
export async function rollbackRoutes(app: FastifyInstance, { store, onQueued, log }: ServerContext): Promise<void> {
  app.get('/api/v1/revmeta/runs/:id/rollback', async (request) => {
    const { id } = requestInput(runIdParams, request.params, 'run id')
    await requireRun(store, id)
    const { restore, skipped } = await rollbackPlan(store, id)
    return { run: id, restore, skipped }
  })
  app.post('/api/v1/revmeta/runs/:id/rollback', async (request) => {
    const { id } = requestInput(runIdParams, request.params, 'run id')
    await requireRun(store, id)
    const { plan, restore, skipped } = await rollbackPlan(store, id)
    const runId = await store.createRun('rollback', `rollback of run ${id} by ${request.principal?.name ?? 'unknown'}`)
    await store.enqueue(runId, plan.operations)
    if (plan.operations.length === 0) await store.finishRun(runId)
    else onQueued?.()
    log?.(`rollback: run ${id} → run ${runId}, ${plan.operations.length} operation(s) by ${request.principal?.name ?? 'unknown'}`)
    return { runId, restoring: restore.length, skipped: skipped.length }
  })
}
