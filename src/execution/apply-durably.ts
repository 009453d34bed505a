import type { RevmetaConfig } from '../config/load-config.js'
import { planInput, runReport, type RunInput } from '../engine/plan-input.js'
import type { OperationReport, RunReport } from '../engine/report.js'
import type { Operation } from '../model/operation.js'
import type { RunRow, StateStore, StoredOperation } from '../store/state-store.js'
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

export type DurableOptions = Omit<WorkerOptions, 'untilIdle'> & {
  readonly note?: string
  /** Only record and queue: `revmeta worker` processes do the work. */
  readonly queueOnly?: boolean
}

/** Works off what is due for `runId`, then stamps the run's counts. */
export async function drain(config: RevmetaConfig, store: StateStore, runId: number, options: Omit<WorkerOptions, 'untilIdle'> = {}): Promise<void> {
  await new Worker(store, config, { ...options, untilIdle: { runId, waitForRetriesMs: config.execution.waitForRetriesMs } }).run()
  await store.finishRun(runId)
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
  if (!options.queueOnly) await drain(config, store, runId, options)
  const stored = await store.operations({ runId })
  return runReport(config, input, planned, 'apply', stored.map(storedReport), { runId })
}
