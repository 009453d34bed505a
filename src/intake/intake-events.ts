import type { RevmetaConfig } from '../config/load-config.js'
import { planInput } from '../engine/plan-input.js'
import { errorReport, type ErrorReport } from '../engine/report.js'
import { eventId } from '../inputs/event-id.js'
import { normalizeChangeEvents } from '../inputs/normalize-change-events.js'
import type { StateStore } from '../store/state-store.js'

export interface IntakeResult {
  /** The run the new operations were queued in; absent when nothing new arrived. */
  readonly runId?: number
  readonly received: number
  readonly duplicates: number
  readonly operations: number
  readonly ignored: Record<string, number>
  readonly errors: readonly ErrorReport[]
}

/**
 * Where real-time changes enter: events are stored durably first (deduplicated by OpenMetadata
 * event id, so a redelivered webhook or an overlapping poll does nothing twice), then planned and
 * queued for the workers. Returns only once everything is in the store.
 */
export async function intakeEvents(config: RevmetaConfig, store: StateStore, events: readonly unknown[], source: 'webhook' | 'poll'): Promise<IntakeResult> {
  const records = events.map((payload) => ({ id: eventId(payload), source, payload }))
  const fresh = await store.recordEvents(records)
  const newEvents = records.filter((r) => fresh.has(r.id)).map((r) => r.payload)
  const duplicates = events.length - newEvents.length
  if (newEvents.length === 0) return { received: events.length, duplicates, operations: 0, ignored: {}, errors: [] }
  const normalized = normalizeChangeEvents(newEvents)
  const planned = planInput(config, { items: newEvents.length, normalized })
  const errors = [...normalized.errors.map(errorReport), ...planned.rejected.flatMap((r) => (r.error ? [r.error] : []))]
  if (planned.operations.length === 0) return { received: events.length, duplicates, operations: 0, ignored: planned.ignored, errors }
  const runId = await store.createRun(source)
  await store.enqueue(runId, planned.operations)
  return { runId, received: events.length, duplicates, operations: planned.operations.length, ignored: planned.ignored, errors }
}
