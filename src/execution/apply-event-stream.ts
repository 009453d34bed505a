import type { RevmetaConfig } from '../config/load-config.js'
import { planEventStream } from '../engine/plan-event-stream.js'
import { reportOf } from '../engine/plan-input.js'
import type { RunReport } from '../model/report.js'
import type { StateStore } from '../store/state-store.js'
import type { OwnerDirectory } from '../owners/owner-directory.js'
import { drain, storedReport, type DurableOptions } from './apply-durably.js'

export interface EventStreamOptions extends DurableOptions {
  /** Pending keys (and raw events) held before a flush is recorded and queued; see planEventStream. */
  readonly maxPending?: number
  /** How messages name the input. */
  readonly name?: string
  /** Names owner references that carry only an id (the catalog's users and teams). */
  readonly owners?: OwnerDirectory
}

/**
 * `revmeta apply` on an events input of any size: planned as a stream, each flush's events
 * recorded and its operations queued as they come (flushes queue in input order, so per-asset
 * order holds across them), then worked off as applyDurably does. The process holds one flush,
 * never the whole input; the store holds the rest.
 */
export async function applyEventStream(config: RevmetaConfig, store: StateStore, source: string | NodeJS.ReadableStream, options: EventStreamOptions = {}): Promise<RunReport> {
  const runId = await store.createRun('apply', options.note)
  const plan = await planEventStream(
    config,
    source,
    async ({ operations, events }) => {
      if (events.length > 0) await store.recordEvents(events.map((e) => ({ ...e, source: 'apply' })))
      await store.enqueue(runId, operations)
    },
    { keepEvents: true, ...(options.maxPending === undefined ? {} : { maxPending: options.maxPending }), ...(options.name === undefined ? {} : { name: options.name }), ...(options.owners ? { owners: options.owners } : {}) },
  )
  if (!options.queueOnly) await drain(config, store, runId, options)
  const stored = await store.operations({ runId })
  return reportOf(config, plan, plan.rejected, 'apply', stored.map(storedReport), { runId })
}
