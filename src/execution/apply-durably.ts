import type { RevmetaConfig } from '../config/load-config.js'
import { planInput, runReport, type RunInput } from '../engine/plan-input.js'
import type { OperationReport, RunReport } from '../model/report.js'
import type { Operation } from '../model/operation.js'
import { progressCounter, type OnProgress } from '../model/progress.js'
import type { RunRow, Settlement, StateStore, StoredOperation } from '../store/state-store.js'
import { storedForm } from '../store/store-rows.js'
import { Worker, type WorkerOptions } from './worker.js'

/** What the report says of an operation the store holds, whatever state it is in. */
export function storedReport(s: StoredOperation): OperationReport {
  const base = s.report ?? {
    id: s.op.id,
    channel: s.op.channel,
    service: s.service,
    asset: s.key.split('|')[1] ?? s.key,
    level: s.op.asset.level,
    kind: s.op.kind,
    status: 'queued' as const,
    statements: [],
    warnings: [],
    origins: s.op.origins.map((o) => ({ index: o.index, eventId: o.eventId, user: o.user })),
  }
  const status = s.status === 'dead' ? 'failed' : s.status === 'pending' || s.status === 'running' ? 'queued' : s.status
  return { ...base, status, ...(s.lastError && (status === 'failed' || status === 'queued') ? { error: s.lastError } : {}) }
}

/**
 * Queues operations as one run (coalescing with anything still pending from earlier runs), then
 * works them off with an in-process worker until nothing of this run is due within the retry
 * horizon. Whatever is left stays queued for `revmeta worker`. Returns the run id.
 */
export async function executeDurably(config: RevmetaConfig, store: StateStore, mode: RunRow['mode'], operations: readonly Operation[], options: DurableOptions = {}): Promise<number> {
  const runId = await queue(store, mode, operations, options)
  if (!options.queueOnly) await drain(config, store, runId, options)
  return runId
}

async function queue(store: StateStore, mode: RunRow['mode'], operations: readonly Operation[], options: DurableOptions): Promise<number> {
  const runId = await store.createRun(mode, options.note)
  await store.enqueue(runId, operations)
  return runId
}

/** What a drain takes: the worker's options, and who to tell how far the run's operations have got. */
export type DrainOptions = Omit<WorkerOptions, 'untilIdle'> & { readonly onProgress?: OnProgress }

export type DurableOptions = DrainOptions & {
  readonly note?: string
  /** Only record and queue: `revmeta worker` processes do the work. */
  readonly queueOnly?: boolean
}

/**
 * Works off what is due for `runId`, then stamps the run's counts. With `onProgress`, the run's
 * unsettled operations are counted first (one query) and each settled batch advances the count; an
 * operation settled for a retry is not done yet.
 */
export async function drain(config: RevmetaConfig, store: StateStore, runId: number, options: DrainOptions = {}): Promise<void> {
  const { onProgress, ...workerOptions } = options
  const counter = progressCounter('applying', onProgress ? await store.unsettled(runId) : 0, onProgress)
  const onSettled: WorkerOptions['onSettled'] = onProgress
    ? (batch) => {
        counter.advance(batch.filter((s) => s.settlement.status !== 'retry').length)
        options.onSettled?.(batch)
      }
    : options.onSettled
  await new Worker(store, config, { ...workerOptions, ...(onSettled ? { onSettled } : {}), untilIdle: { runId, waitForRetriesMs: config.execution.waitForRetriesMs } }).run()
  await store.finishRun(runId)
}

/** What this process settled while draining, by operation id: the store holds the same until something changes it. */
type Settled = Map<number, { readonly claimed: StoredOperation; readonly settlement: Settlement }>

/**
 * The operation as the store holds it once `settlement` is settled; undefined for a failure, whose
 * error the store keeps in its own form (jsonb orders the keys): those few are read back.
 */
function afterSettle({ claimed, settlement }: { claimed: StoredOperation; settlement: Settlement }): StoredOperation | undefined {
  if (settlement.status === 'retry' || settlement.status === 'dead') return undefined
  return {
    id: claimed.id,
    runId: claimed.runId,
    key: claimed.key,
    service: claimed.service,
    seq: claimed.seq,
    op: claimed.op,
    status: settlement.status,
    attempts: claimed.attempts,
    runAt: claimed.runAt,
    report: storedForm(settlement.report, claimed.op),
  }
}

/**
 * The reports of a run's operations, in queue order, as storedReport gives them. An operation this
 * process settled, whose status and attempts are still those it settled, is exactly what was
 * settled (a later claim counts an attempt, a replay resets them, a recovery turns unchanged into
 * applied); only the others are read back in full, which at the end of a large apply saves reading
 * every operation again.
 */
async function runReports(store: StateStore, runId: number, settled: Settled): Promise<OperationReport[]> {
  const states = await store.statuses(runId)
  const reports = new Map<number, OperationReport>()
  const others: number[] = []
  for (const state of states) {
    const mine = settled.get(state.id)
    const stored = mine && afterSettle(mine)
    if (stored && stored.status === state.status && stored.attempts === state.attempts) reports.set(state.id, storedReport(stored))
    else others.push(state.id)
  }
  if (others.length > 0) for (const s of await store.operations({ ids: others })) reports.set(s.id, storedReport(s))
  return states.flatMap((state) => reports.get(state.id) ?? [])
}

/** `revmeta apply` with a store: events recorded, operations queued and worked off, a report from the store. */
export async function applyDurably(config: RevmetaConfig, store: StateStore, input: RunInput, options: DurableOptions = {}): Promise<RunReport> {
  const planned = planInput(config, input)
  // Recording the events (for deduplication against later deliveries) and queueing the operations
  // do not depend on each other: on a PostgreSQL store they run side by side (PGlite takes them in
  // turn). Both are done before any work starts, as when they ran one after the other.
  const [recorded, queued] = await Promise.allSettled([
    input.events?.length ? store.recordEvents(input.events.map((e) => ({ ...e, source: 'apply' }))) : undefined,
    queue(store, 'apply', planned.operations, options),
  ])
  if (recorded.status === 'rejected') throw recorded.reason
  if (queued.status === 'rejected') throw queued.reason
  const runId = queued.value
  const settled: Settled = new Map()
  const onSettled: WorkerOptions['onSettled'] = (batch) => {
    for (const entry of batch) settled.set(entry.claimed.id, entry)
    options.onSettled?.(batch)
  }
  if (!options.queueOnly) await drain(config, store, runId, { ...options, onSettled })
  return runReport(config, input, planned, 'apply', await runReports(store, runId, settled), { runId })
}
