import { randomUUID } from 'node:crypto'
import type { SqlExecutor } from '../store/sql-runner.js'
import type { CatalogTables } from './catalog-tables.js'
import { diffEntities, isEmptyDiff, type ChangeDescription } from './change-description.js'
import { entityIdKey, saveEntities, type EntityRow } from './entity-store.js'
import { insertEvents, type CatalogChangeEvent } from './event-store.js'
import { canonicalEntity } from './entity-shape.js'
import { initialVersion, nextMajorVersion, nextVersion, type CatalogEntityType, type EntityJson } from './om-json.js'

export interface EntityWrite {
  readonly type: CatalogEntityType
  readonly fqn: string
  readonly service: string
  readonly databaseFqn: string | null
  readonly parentFqn: string | null
  /** The stored entity, read in this transaction after serializing catalog writes; undefined for a new one. */
  readonly current: EntityRow | undefined
  /** The entity as it should be, without version, updatedAt, updatedBy or change descriptions. */
  readonly next: EntityJson
  readonly userName: string
  readonly now: number
}

export type WriteOutcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'restored'

export interface WriteResult {
  readonly outcome: WriteOutcome
  readonly entity: EntityJson
  readonly event?: CatalogChangeEvent
}

/** A write worked out but not stored yet: the row to save (none when unchanged) and when. */
export interface PlannedWrite extends WriteResult {
  readonly row?: EntityRow
  readonly updatedAt: number
}

/**
 * Works out one entity version and its ChangeEvent, as OpenMetadata's EntityUpdater does:
 * nothing when no field changed (no version, no event); otherwise version +0.1 (+1.0 when a
 * column went away), updatedAt / updatedBy, and the change description both as the entity's
 * changeDescription and as the event's. Each write is its own version, so the incremental
 * description equals the full one (OpenMetadata would consolidate quick successive edits by one
 * user into one version; revmeta prefers the incremental one either way). Pure: storeWrites keeps it.
 */
export function planWrite(write: EntityWrite): PlannedWrite {
  const { current, userName, now } = write
  if (current === undefined) {
    const given = typeof write.next.id === 'string' ? entityIdKey(write.next.id) : undefined
    const id = given ?? randomUUID()
    const entity = canonicalEntity({ ...write.next, id, version: initialVersion, updatedAt: now, updatedBy: userName, deleted: write.next.deleted === true })
    const row: EntityRow = { id, entityType: write.type, fqn: write.fqn, service: write.service, databaseFqn: write.databaseFqn, parentFqn: write.parentFqn, json: entity, deleted: entity.deleted === true }
    return { outcome: 'created', entity, event: changeEvent(row, 'entityCreated', initialVersion, userName, now), row, updatedAt: now }
  }
  const diff = diffEntities(current.json, write.next)
  if (isEmptyDiff(diff)) return { outcome: 'unchanged', entity: current.json, updatedAt: now }
  const previousVersion = typeof current.json.version === 'number' ? current.json.version : initialVersion
  const version = diff.major ? nextMajorVersion(previousVersion) : nextVersion(previousVersion)
  const description: ChangeDescription = { fieldsAdded: diff.fieldsAdded, fieldsUpdated: diff.fieldsUpdated, fieldsDeleted: diff.fieldsDeleted, previousVersion }
  const entity = canonicalEntity({
    ...write.next,
    id: current.id,
    version,
    updatedAt: now,
    updatedBy: userName,
    changeDescription: description,
    incrementalChangeDescription: description,
    deleted: write.next.deleted === true,
  })
  const row: EntityRow = { ...current, json: entity, deleted: entity.deleted === true }
  const outcome: WriteOutcome = row.deleted && !current.deleted ? 'deleted' : !row.deleted && current.deleted ? 'restored' : 'updated'
  const eventType = outcome === 'deleted' ? 'entitySoftDeleted' : outcome === 'restored' ? 'entityRestored' : 'entityUpdated'
  return { outcome, entity, event: changeEvent(row, eventType, previousVersion, userName, now, description), row, updatedAt: now }
}

/**
 * Stores planned writes in the caller's transaction, in bulk: their entities (the last version
 * of each, should one entity be written twice) and then all their events, in order.
 */
export async function storeWrites(ex: SqlExecutor, t: CatalogTables, planned: readonly PlannedWrite[]): Promise<void> {
  const latest = new Map<string, { row: EntityRow; updatedAt: number }>()
  for (const p of planned) if (p.row !== undefined) latest.set(p.row.id, { row: p.row, updatedAt: p.updatedAt })
  await saveEntities(ex, t, [...latest.values()])
  await insertEvents(ex, t, planned.flatMap((p) => (p.event === undefined ? [] : [p.event])))
}

/** One write, planned and stored. */
export async function writeEntity(ex: SqlExecutor, t: CatalogTables, write: EntityWrite): Promise<WriteResult> {
  const planned = planWrite(write)
  await storeWrites(ex, t, [planned])
  return resultOf(planned)
}

/** What callers see of a planned write. */
export function resultOf(p: PlannedWrite): WriteResult {
  return p.event === undefined ? { outcome: p.outcome, entity: p.entity } : { outcome: p.outcome, entity: p.entity, event: p.event }
}

function changeEvent(row: EntityRow, eventType: CatalogChangeEvent['eventType'], previousVersion: number, userName: string, now: number, description?: ChangeDescription): CatalogChangeEvent {
  return {
    id: randomUUID(),
    eventType,
    entityType: row.entityType,
    entityId: row.id,
    entityFullyQualifiedName: row.fqn,
    previousVersion,
    currentVersion: row.json.version as number,
    userName,
    timestamp: now,
    ...(description === undefined ? {} : { changeDescription: description, incrementalChangeDescription: description }),
    entity: row.json,
  }
}
