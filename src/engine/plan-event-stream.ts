import type { RevmetaConfig } from '../config/load-config.js'
import type { RevmetaError } from '../errors/revmeta-error.js'
import { eventId } from '../inputs/event-id.js'
import { normalizeChangeEvents } from '../inputs/normalize-change-events.js'
import { streamEvents } from '../inputs/stream-events.js'
import type { Operation } from '../model/operation.js'
import { StreamingPlanner } from '../planning/stream-planner.js'
import { routeInput } from './plan-input.js'
import { prefetchOwners } from './prefetch-owners.js'
import type { OwnerDirectory } from '../owners/owner-directory.js'
import type { OperationReport } from '../model/report.js'

/** What one flush hands on: the operations planned since the last one, and the raw events they came from. */
export interface PlannedFlush {
  readonly operations: Operation[]
  /** Empty unless `keepEvents`: the durable store records them, deduplicated by id. */
  readonly events: { readonly id: string; readonly payload: unknown }[]
}

export interface StreamedPlan {
  /** Events read, bad ones included. */
  readonly items: number
  readonly changes: number
  readonly operations: number
  readonly flushes: number
  readonly ignored: Record<string, number>
  /** Unreadable elements or lines and malformed events, each naming where it was. */
  readonly errors: RevmetaError[]
  /** Changes for services that are not configured. */
  readonly rejected: OperationReport[]
}

export interface PlanStreamOptions {
  /**
   * Distinct (channel, asset, kind) keys held before a flush; also the most raw events held. Memory
   * is set by this bound, not by the input's size (docs/benchmarks.md, figure 3).
   */
  readonly maxPending?: number
  readonly keepEvents?: boolean
  /** How messages name the input. */
  readonly name?: string
  /** Names owner references that carry only an id; without it such an owners change fails OWNER_UNRESOLVED. */
  readonly owners?: OwnerDirectory
}

/**
 * Plans an events file or stream of any size: each event is read, normalized and routed as it
 * arrives, and coalesced operations are handed to `onFlush` whenever `maxPending` keys are held.
 * Flushes arrive in input order, so a consumer that queues them in order keeps every asset's
 * changes in order (see StreamingPlanner.flush).
 */
export async function planEventStream(
  config: RevmetaConfig,
  source: string | NodeJS.ReadableStream,
  onFlush: (flush: PlannedFlush) => Promise<void>,
  options: PlanStreamOptions = {},
): Promise<StreamedPlan> {
  const maxPending = options.maxPending ?? 10_000
  const planner = new StreamingPlanner()
  const ignored: Record<string, number> = {}
  const errors: RevmetaError[] = []
  const rejected: OperationReport[] = []
  let events: PlannedFlush['events'] = []
  const counts = { items: 0, changes: 0, operations: 0, flushes: 0 }
  const flush = async () => {
    const operations = planner.flush()
    const flushed = events
    events = []
    if (operations.length === 0 && flushed.length === 0) return
    counts.operations += operations.length
    counts.flushes++
    await onFlush({ operations, events: flushed })
  }
  for await (const entry of streamEvents(source, { limits: config.input, ...(options.name === undefined ? {} : { name: options.name }) })) {
    counts.items++
    if (entry.error) {
      errors.push(entry.error)
      continue
    }
    if (options.keepEvents) events.push({ id: eventId(entry.item), payload: entry.item })
    const normalized = normalizeChangeEvents([entry.item], { startIndex: entry.index })
    for (const [reason, n] of Object.entries(normalized.ignored)) ignored[reason] = (ignored[reason] ?? 0) + n
    errors.push(...normalized.errors)
    counts.changes += normalized.changes.length
    const lookups = await prefetchOwners(config, normalized.changes, options.owners)
    const routed = routeInput(config, normalized, ignored, lookups)
    rejected.push(...routed.rejected)
    for (const r of routed.routed) planner.add(r)
    if (planner.pending >= maxPending || events.length >= maxPending) await flush()
  }
  await flush()
  return { ...counts, ignored, errors, rejected }
}
