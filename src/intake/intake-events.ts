import type { RevmetaConfig } from '../config/load-config.js'
import { planInput } from '../engine/plan-input.js'
import { prefetchOwners } from '../engine/prefetch-owners.js'
import type { Change } from '../model/change.js'
import type { OwnerDirectory } from '../owners/owner-directory.js'
import { errorReport, type ErrorReport } from '../model/report.js'
import { eventId } from '../inputs/event-id.js'
import { depthExceeds, tooDeep } from '../inputs/input-limits.js'
import { normalizeChangeEvents } from '../inputs/normalize-change-events.js'
import type { StateStore } from '../store/state-store.js'

export interface IntakeResult {
  /** The run the new operations were queued in; absent when nothing new arrived. */
  readonly runId?: number
  /** Events the body or page held, bad ones included. */
  readonly received: number
  /** Events recorded in the store (new ones and redeliveries); the others are named in `errors`. */
  readonly stored: number
  readonly duplicates: number
  readonly operations: number
  readonly ignored: Record<string, number>
  readonly errors: readonly ErrorReport[]
}

/**
 * Where real-time changes enter: events are stored durably (deduplicated by OpenMetadata event
 * id, so a redelivered webhook or an overlapping poll does nothing twice) and their operations
 * queued for the workers in the same transaction. Returns only once everything is in the store.
 * An event that cannot be read (too deep, malformed) is not stored: it is named in `errors` with
 * its index, and the others go on.
 */
export async function intakeEvents(
  config: RevmetaConfig,
  store: StateStore,
  received: readonly unknown[],
  source: 'webhook' | 'poll',
  options: { owners?: OwnerDirectory } = {},
): Promise<IntakeResult> {
  const screened: ErrorReport[] = []
  const changes: Change[] = []
  const events = received.filter((event, i) => {
    // Polled events arrive parsed by the catalog client: held to the same depth limit as files and bodies.
    if (depthExceeds(event, config.input.maxDepth)) {
      screened.push(errorReport(tooDeep(`${source} event ${i}`, config.input.maxDepth, { index: i })))
      return false
    }
    const normalized = normalizeChangeEvents([event], { startIndex: i })
    screened.push(...normalized.errors.map(errorReport))
    changes.push(...normalized.changes)
    return normalized.errors.length === 0
  })
  // Asked before the store's transaction, which must not wait on the catalog.
  const owners = await prefetchOwners(config, changes, options.owners)
  const records = events.map((payload) => ({ id: eventId(payload), source, payload }))
  const { planned, runId } = await store.intake(source, records, (fresh) => {
    // An event sent twice in one batch is new only once.
    const taken = new Set<string>()
    const newEvents = records.filter((r) => fresh.has(r.id) && !taken.has(r.id) && taken.add(r.id)).map((r) => r.payload)
    const normalized = normalizeChangeEvents(newEvents)
    return { ...planInput(config, { items: newEvents.length, normalized, owners }), fresh: newEvents.length }
  })
  const errors = [...screened, ...planned.rejected.flatMap((r) => (r.error ? [r.error] : []))]
  return {
    ...(runId === undefined ? {} : { runId }),
    received: received.length,
    stored: events.length,
    duplicates: events.length - planned.fresh,
    operations: planned.operations.length,
    ignored: planned.ignored,
    errors,
  }
}
