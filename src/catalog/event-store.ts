import type { SqlExecutor } from '../store/sql-runner.js'
import { encodeStoreJson, encodeStoreText, parseStoreJson } from '../store/store-text.js'
import type { CatalogTables } from './catalog-tables.js'
import type { ChangeDescription } from './change-description.js'
import type { CatalogEntityType, EntityJson } from './om-json.js'
import { paramChunks, placeholders, valueRows } from './sql-lists.js'

/** OpenMetadata's ChangeEvent (type/changeEvent.json), as the catalog stores, serves and posts it. */
export interface CatalogChangeEvent {
  readonly id: string
  readonly eventType: 'entityCreated' | 'entityUpdated' | 'entitySoftDeleted' | 'entityRestored'
  readonly entityType: CatalogEntityType
  readonly entityId: string
  readonly entityFullyQualifiedName: string
  readonly previousVersion: number
  readonly currentVersion: number
  readonly userName: string
  readonly timestamp: number
  readonly changeDescription?: ChangeDescription
  readonly incrementalChangeDescription?: ChangeDescription
  readonly entity: EntityJson
}

/** Per event type, the entity types wanted ('*' for all), as GET /api/v1/events takes them. */
export type EventFilter = Readonly<Record<string, readonly string[]>>

const eventWidth = 6

/** Stores the events in the order given (seq follows it), a multi-row statement per slice. */
export async function insertEvents(ex: SqlExecutor, t: CatalogTables, events: readonly CatalogChangeEvent[]): Promise<void> {
  for (const slice of paramChunks(events, eventWidth)) {
    await ex.query(
      `INSERT INTO ${t.events} (id, timestamp, event_type, entity_type, fqn, payload) VALUES ${valueRows(slice.length, eventWidth)}`,
      slice.flatMap((e) => [e.id, e.timestamp, e.eventType, e.entityType, encodeStoreText(e.entityFullyQualifiedName), encodeStoreJson(e)]),
    )
  }
}

/**
 * Events from `timestamp` on (inclusive: the poller re-reads its newest millisecond and drops the
 * duplicates, so none is lost at a boundary), oldest first. OpenMetadata's endpoint has no paging;
 * `limit` only bounds one answer, and a poller that takes the newest timestamp as its next cursor
 * still walks through everything.
 */
export async function listEventRows(ex: SqlExecutor, t: CatalogTables, timestamp: number, filter: EventFilter, limit: number): Promise<unknown[]> {
  const params: unknown[] = [timestamp, limit]
  const bind = (value: string) => `$${params.push(value)}`
  // The filter becomes SQL: per event type, that type and (unless '*') one of its entity types.
  const clauses: string[] = []
  for (const [eventType, entityTypes] of Object.entries(filter)) {
    if (entityTypes.length === 0) continue
    const type = `event_type = ${bind(eventType)}`
    if (entityTypes.includes('*')) {
      clauses.push(type)
      continue
    }
    const distinct = [...new Set(entityTypes)]
    const first = params.length + 1
    params.push(...distinct)
    clauses.push(`(${type} AND entity_type IN (${placeholders(first, distinct.length)}))`)
  }
  if (clauses.length === 0) return []
  const rows = await ex.query<{ payload: string }>(
    `SELECT CAST(payload AS text) AS payload FROM ${t.events} WHERE timestamp >= $1 AND (${clauses.join(' OR ')}) ORDER BY timestamp, seq LIMIT $2`,
    params,
  )
  return rows.map((r) => parseStoreJson(r.payload))
}
