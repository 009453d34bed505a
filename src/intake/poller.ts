import type { RevmetaConfig } from '../config/load-config.js'
import { toRevmetaError } from '../errors/revmeta-error.js'
import type { OpenMetadataClient } from '../openmetadata/om-client.js'
import type { StateStore } from '../store/state-store.js'
import type { OwnerDirectory } from '../owners/owner-directory.js'
import { intakeEvents, type IntakeResult } from './intake-events.js'

export const eventsCursor = 'openmetadata.events'

/**
 * One poll of OpenMetadata's GET /api/v1/events from the persisted cursor. The cursor only moves
 * after the events are in the store; events sharing the newest timestamp are fetched again next
 * time and dropped as duplicates, so none is missed at a millisecond boundary.
 */
export async function pollOnce(config: RevmetaConfig, store: StateStore, client: OpenMetadataClient, options: { startAt?: number; owners?: () => OwnerDirectory } = {}): Promise<IntakeResult & { cursor: number }> {
  const saved = await store.getCursor(eventsCursor)
  const cursor = saved !== undefined ? Number(saved) : (options.startAt ?? Date.now())
  const events = await client.listEvents(cursor)
  const result = await intakeEvents(config, store, events, 'poll', options.owners ? { owners: options.owners() } : {})
  let next = cursor
  for (const e of events) {
    const ts = Number((e as { timestamp?: unknown }).timestamp)
    if (Number.isFinite(ts) && ts > next) next = ts
  }
  if (next !== cursor || saved === undefined) await store.setCursor(eventsCursor, String(next))
  return { ...result, cursor: next }
}

/** Polls every `intervalMs` until aborted; a failed poll is logged and retried at the next tick. */
export async function pollLoop(
  config: RevmetaConfig,
  store: StateStore,
  client: OpenMetadataClient,
  options: { intervalMs: number; signal: AbortSignal; log: (line: string) => void; startAt?: number; owners?: () => OwnerDirectory },
): Promise<void> {
  while (!options.signal.aborted) {
    try {
      const result = await pollOnce(config, store, client, options)
      if (result.operations > 0) options.log(`polled ${result.received} event(s): ${result.operations} operation(s) queued as run ${result.runId}`)
      for (const error of result.errors) options.log(`polled event not taken: ${error.code}: ${error.message}`)
    } catch (err) {
      const error = toRevmetaError(err, 'CATALOG_UNREACHABLE')
      options.log(`poll failed: ${error.code}: ${error.message}`)
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.intervalMs)
      options.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
    })
  }
}
