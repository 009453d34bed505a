import type { SqlExecutor } from '../store/sql-runner.js'
import { badRequest } from './catalog-error.js'
import type { CatalogTables } from './catalog-tables.js'
import type { CatalogEntityType, EntityJson } from './om-json.js'

/** One stored entity: the OpenMetadata JSON and the columns it is found by. */
export interface EntityRow {
  readonly id: string
  readonly entityType: CatalogEntityType
  readonly fqn: string
  readonly service: string
  readonly databaseFqn: string | null
  readonly parentFqn: string | null
  readonly json: EntityJson
  readonly deleted: boolean
}

export type Include = 'non-deleted' | 'deleted' | 'all'

export interface EntityFilter {
  readonly service?: string
  readonly database?: string
  readonly databaseSchema?: string
}

interface DbRow {
  id: string
  entity_type: CatalogEntityType
  fqn: string
  service: string
  database_fqn: string | null
  parent_fqn: string | null
  json: EntityJson | string
  deleted: boolean
}

const columns = 'id, entity_type, fqn, service, database_fqn, parent_fqn, json, deleted'

function toRow(r: DbRow): EntityRow {
  return {
    id: r.id,
    entityType: r.entity_type,
    fqn: r.fqn,
    service: r.service,
    databaseFqn: r.database_fqn,
    parentFqn: r.parent_fqn,
    json: typeof r.json === 'string' ? (JSON.parse(r.json) as EntityJson) : r.json,
    deleted: r.deleted,
  }
}

/** One entity by id or FQN; `forUpdate` holds its row lock until the transaction ends, so two writers never interleave on it. */
export async function findEntity(ex: SqlExecutor, t: CatalogTables, key: { id: string } | { fqn: string }, options: { type?: CatalogEntityType; forUpdate?: boolean } = {}): Promise<EntityRow | undefined> {
  const [column, value] = 'id' in key ? ['id', key.id] : ['fqn', key.fqn]
  // A malformed id cannot name an entity; asking PostgreSQL would fail the cast instead.
  if (column === 'id' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return undefined
  const rows = await ex.query<DbRow>(
    `SELECT ${columns} FROM ${t.entities} WHERE ${column} = $1 AND ($2::text IS NULL OR entity_type = $2)${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [value, options.type ?? null],
  )
  return rows[0] === undefined ? undefined : toRow(rows[0])
}

export async function saveEntity(ex: SqlExecutor, t: CatalogTables, row: EntityRow, updatedAt: number): Promise<void> {
  await ex.query(
    `INSERT INTO ${t.entities} (id, entity_type, fqn, service, database_fqn, parent_fqn, json, deleted, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::json, $8, $9)
     ON CONFLICT (id) DO UPDATE SET json = excluded.json, deleted = excluded.deleted, updated_at = excluded.updated_at`,
    [row.id, row.entityType, row.fqn, row.service, row.databaseFqn, row.parentFqn, JSON.stringify(row.json), row.deleted, updatedAt],
  )
}

/** Every entity of a service, deleted ones too, without their JSON: what ingestion compares the source with. */
export async function entityKeys(ex: SqlExecutor, t: CatalogTables, service: string): Promise<{ entityType: CatalogEntityType; fqn: string; deleted: boolean }[]> {
  const rows = await ex.query<{ entity_type: CatalogEntityType; fqn: string; deleted: boolean }>(
    `SELECT entity_type, fqn, deleted FROM ${t.entities} WHERE service = $1 ORDER BY fqn`,
    [service],
  )
  return rows.map((r) => ({ entityType: r.entity_type, fqn: r.fqn, deleted: r.deleted }))
}

/**
 * One page of entities in FQN byte order, and the total under the same filter. The `after`
 * cursor is opaque to clients (base64url of the last FQN), as OpenMetadata's is.
 */
export async function listEntityRows(
  ex: SqlExecutor,
  t: CatalogTables,
  type: CatalogEntityType,
  filter: EntityFilter,
  page: { limit: number; after?: string; include: Include },
): Promise<{ rows: EntityRow[]; after?: string; total: number }> {
  const where = [
    'entity_type = $1',
    '($2::text IS NULL OR service = $2)',
    '($3::text IS NULL OR database_fqn = $3)',
    '($4::text IS NULL OR parent_fqn = $4)',
    page.include === 'all' ? 'TRUE' : `deleted = ${page.include === 'deleted'}`,
  ].join(' AND ')
  const params = [type, filter.service ?? null, type === 'database' ? null : (filter.database ?? null), type === 'table' ? (filter.databaseSchema ?? null) : null]
  const [count] = await ex.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${t.entities} WHERE ${where}`, params)
  const total = Number(count?.n ?? 0)
  if (page.limit === 0) return { rows: [], total }
  const rows = await ex.query<DbRow>(
    `SELECT ${columns} FROM ${t.entities} WHERE ${where} AND ($5::text IS NULL OR fqn > $5) ORDER BY fqn LIMIT $6`,
    [...params, page.after === undefined ? null : decodeCursor(page.after), page.limit + 1],
  )
  const more = rows.length > page.limit
  const taken = rows.slice(0, page.limit).map(toRow)
  const last = taken[taken.length - 1]
  return more && last !== undefined ? { rows: taken, after: encodeCursor(last.fqn), total } : { rows: taken, total }
}

export function encodeCursor(fqn: string): string {
  return Buffer.from(JSON.stringify([fqn]), 'utf8').toString('base64url')
}

function decodeCursor(cursor: string): string {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0]
  } catch {
    // reported below
  }
  throw badRequest(`Invalid paging cursor ${JSON.stringify(cursor)}: pass the paging.after value of the previous page unchanged`)
}
