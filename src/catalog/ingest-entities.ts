import type { ObjectState, ObjectType } from '../connectors/connector.js'
import { buildFqn } from '../model/fqn.js'
import type { OmEntityReference, OmTagLabel } from '../openmetadata/om-types.js'
import { quoteName } from './directory-rows.js'
import type { SourceTable } from './ingest-source.js'
import { entityReference, isRecord, serviceId, sortTags, textOrNull, type EntityJson } from './om-json.js'

/** How source values become catalog values for one service. */
export interface SourceMapping {
  readonly service: string
  readonly serviceType: string
  /** The catalog owners standing for an engine owner: none when no catalog user or team matches it. */
  readonly owners: (principal: string | null | undefined) => OmEntityReference[]
  /** The catalog tags standing for engine key/value tags: only tags the catalog has. */
  readonly tags: (tags: ObjectState['tags']) => OmTagLabel[]
}

/** OpenMetadata's serviceType for each connector; engines it has no connector for are CustomDatabase. */
const serviceTypes: Readonly<Record<string, string>> = { postgres: 'Postgres', pglite: 'Postgres', redshift: 'Redshift', mysql: 'Mysql', clickhouse: 'Clickhouse', duckdb: 'CustomDatabase' }
export const serviceTypeOf = (engine: string): string => serviceTypes[engine] ?? 'CustomDatabase'

const tableTypes: Partial<Record<ObjectType, string>> = { table: 'Regular', partitioned_table: 'Partitioned', view: 'View', materialized_view: 'MaterializedView', foreign_table: 'Foreign' }

export function serviceRef(service: string): OmEntityReference {
  return entityReference({ id: serviceId(service), type: 'databaseService', name: service, fullyQualifiedName: quoteName(service) })
}

export function refTo(type: 'database' | 'databaseSchema', entity: EntityJson): OmEntityReference {
  return entityReference({ id: entity.id as string, type, name: entity.name as string, fullyQualifiedName: entity.fullyQualifiedName as string })
}

/**
 * The catalog is the source of truth: a description, owners or tags it already has are kept, and
 * a difference with the source is drift for `revmeta sync` to report. What the catalog lacks is
 * filled from the source. The object exists in the source, so it is live again if it was deleted.
 */
function merged(current: EntityJson | undefined, state: ObjectState | undefined, map: SourceMapping): EntityJson {
  const out: EntityJson = { ...(current ?? {}) }
  const description = textOrNull(current?.description) ?? textOrNull(state?.description)
  if (description === null) delete out.description
  else out.description = description
  out.owners = Array.isArray(current?.owners) && current.owners.length > 0 ? current.owners : map.owners(state?.owner)
  out.tags = Array.isArray(current?.tags) && current.tags.length > 0 ? current.tags : sortTags(map.tags(state?.tags))
  out.deleted = false
  return out
}

function identity(current: EntityJson | undefined, name: string, parts: readonly string[]): EntityJson {
  return { ...(current ?? {}), name, fullyQualifiedName: buildFqn(parts) }
}

export function nextDatabase(current: EntityJson | undefined, name: string, state: ObjectState | undefined, map: SourceMapping): EntityJson {
  return { ...merged(identity(current, name, [map.service, name]), state, map), service: serviceRef(map.service), serviceType: map.serviceType }
}

export function nextSchema(current: EntityJson | undefined, database: EntityJson, name: string, state: ObjectState | undefined, map: SourceMapping): EntityJson {
  const parts = [map.service, database.name as string, name]
  return { ...merged(identity(current, name, parts), state, map), service: serviceRef(map.service), serviceType: map.serviceType, database: refTo('database', database) }
}

export function nextTable(current: EntityJson | undefined, database: EntityJson, schema: EntityJson, table: SourceTable, map: SourceMapping): EntityJson {
  const parts = [map.service, database.name as string, schema.name as string, table.name]
  const out = merged(identity(current, table.name, parts), table.state, map)
  out.tableType = tableTypes[table.state.objectType] ?? 'Regular'
  out.columns = nextColumns(current?.columns, parts, table, map)
  return { ...out, service: serviceRef(map.service), serviceType: map.serviceType, database: refTo('database', database), databaseSchema: refTo('databaseSchema', schema) }
}

/**
 * The source's columns, with what the catalog already says about each kept. Columns the catalog
 * has keep their place; new ones follow by name (read-back carries no ordinal position), and
 * their data type is UNKNOWN, OpenMetadata's value for a type it was not told.
 */
function nextColumns(current: unknown, tableParts: readonly string[], table: SourceTable, map: SourceMapping): EntityJson[] {
  const stored = new Map<string, EntityJson>()
  for (const c of Array.isArray(current) ? current : []) if (isRecord(c) && typeof c.name === 'string') stored.set(c.name, c)
  const source = new Map(table.columns.map((c) => [c.name, c]))
  const names = [...[...stored.keys()].filter((n) => source.has(n)), ...table.columns.map((c) => c.name).filter((n) => !stored.has(n))]
  return names.map((name) => {
    const before = stored.get(name)
    const state = source.get(name)?.state
    const column: EntityJson = { ...(before ?? {}), name, dataType: before?.dataType ?? 'UNKNOWN', fullyQualifiedName: buildFqn([...tableParts, name]) }
    const description = textOrNull(before?.description) ?? textOrNull(state?.description)
    if (description === null) delete column.description
    else column.description = description
    column.tags = Array.isArray(before?.tags) && before.tags.length > 0 ? before.tags : sortTags(map.tags(state?.tags))
    return column
  })
}

/** A live entity the source no longer has: kept, marked deleted (OpenMetadata's soft delete). */
export function deletedEntity(current: EntityJson | undefined): EntityJson | undefined {
  return current === undefined || current.deleted === true ? undefined : { ...current, deleted: true }
}
