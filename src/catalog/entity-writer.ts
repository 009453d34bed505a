import { randomUUID } from 'node:crypto'
import type { SqlExecutor } from '../store/sql-runner.js'
import type { CatalogTables } from './catalog-tables.js'
import { diffEntities, isEmptyDiff, type ChangeDescription } from './change-description.js'
import { saveEntity, type EntityRow } from './entity-store.js'
import { insertEvent, type CatalogChangeEvent } from './event-store.js'
import { canonicalEntity } from './entity-shape.js'
import { initialVersion, nextMajorVersion, nextVersion, type CatalogEntityType, type EntityJson } from './om-json.js'

export interface EntityWrite {
  readonly type: CatalogEntityType
  readonly fqn: string
  readonly service: string
  readonly databaseFqn: string | null
  readonly parentFqn: string | null
  /** The stored entity, read under a row lock in this transaction; undefined for a new one. */
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

/**
 * Stores one entity version and its ChangeEvent in the caller's transaction, as OpenMetadata's
 * EntityUpdater does: nothing when no field changed (no version, no event); otherwise version
 * +0.1 (+1.0 when a column went away), updatedAt / updatedBy, and the change description both
 * as the entity's changeDescription and as the event's. Each write is its own version, so the
 * incremental description equals the full one (OpenMetadata would consolidate quick successive
 * edits by one user into one version; revmeta prefers the incremental one either way).
 */
export async function writeEntity(ex: SqlExecutor, t: CatalogTables, write: EntityWrite): Promise<WriteResult> {
  const { current, userName, now } = write
  if (current === undefined) {
    const id = typeof write.next.id === 'string' ? write.next.id : randomUUID()
    const entity = canonicalEntity({ ...write.next, id, version: initialVersion, updatedAt: now, updatedBy: userName, deleted: write.next.deleted === true })
    const row: EntityRow = { id, entityType: write.type, fqn: write.fqn, service: write.service, databaseFqn: write.databaseFqn, parentFqn: write.parentFqn, json: entity, deleted: entity.deleted === true }
    await saveEntity(ex, t, row, now)
    const event = changeEvent(row, 'entityCreated', initialVersion, userName, now)
    await insertEvent(ex, t, event)
    return { outcome: 'created', entity, event }
  }
  const diff = diffEntities(current.json, write.next)
  if (isEmptyDiff(diff)) return { outcome: 'unchanged', entity: current.json }
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
  await saveEntity(ex, t, row, now)
  const outcome: WriteOutcome = row.deleted && !current.deleted ? 'deleted' : !row.deleted && current.deleted ? 'restored' : 'updated'
  const eventType = outcome === 'deleted' ? 'entitySoftDeleted' : outcome === 'restored' ? 'entityRestored' : 'entityUpdated'
  const event = changeEvent(row, eventType, previousVersion, userName, now, description)
  await insertEvent(ex, t, event)
  return { outcome, entity, event }
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
