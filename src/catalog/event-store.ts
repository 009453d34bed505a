import type { SqlExecutor } from '../store/sql-runner.js'
import type { CatalogTables } from './catalog-tables.js'
import type { ChangeDescription } from './change-description.js'
import type { CatalogEntityType, EntityJson } from './om-json.js'

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

export async function insertEvent(ex: SqlExecutor, t: CatalogTables, event: CatalogChangeEvent): Promise<void> {
  await ex.query(
    `INSERT INTO ${t.events} (id, timestamp, event_type, entity_type, fqn, payload) VALUES ($1, $2, $3, $4, $5, $6::json)`,
    [event.id, event.timestamp, event.eventType, event.entityType, event.entityFullyQualifiedName, JSON.stringify(event)],
  )
}

/**
 * Events from `timestamp` on (inclusive: the poller re-reads its newest millisecond and drops the
 * duplicates, so none is lost at a boundary), oldest first. OpenMetadata's endpoint has no paging;
 * `limit` only bounds one answer, and a poller that takes the newest timestamp as its next cursor
 * still walks through everything.
 */
export async function listEventRows(ex: SqlExecutor, t: CatalogTables, timestamp: number, filter: EventFilter, limit: number): Promise<unknown[]> {
  if (Object.keys(filter).length === 0) return []
  const rows = await ex.query<{ payload: unknown }>(
    `SELECT payload FROM ${t.events}
      WHERE timestamp >= $1 AND ($2::jsonb ? event_type)
        AND (($2::jsonb -> event_type) ? '*' OR ($2::jsonb -> event_type) ? entity_type)
      ORDER BY timestamp, seq LIMIT $3`,
    [timestamp, JSON.stringify(filter), limit],
  )
  return rows.map((r) => (typeof r.payload === 'string' ? (JSON.parse(r.payload) as unknown) : r.payload))
}
