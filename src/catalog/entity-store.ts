import type { SqlExecutor } from '../store/sql-runner.js'
import { decodeStoreText, encodeStoreJson, encodeStoreText, encodeStoreTextOrNull, parseStoreJson } from '../store/store-text.js'
import { badRequest } from './catalog-error.js'
import type { CatalogTables } from './catalog-tables.js'
import type { CatalogEntityType, EntityJson } from './om-json.js'
import { paramChunks, placeholders, valueRows } from './sql-lists.js'

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
  json: string
  deleted: boolean | number
}

// json as text: PostgreSQL's json keeps the keys in the order written, and so does the text.
const columns = 'id, entity_type, fqn, service, database_fqn, parent_fqn, CAST(json AS text) AS json, deleted'

const decodeOrNull = (value: string | null): string | null => (value === null ? null : decodeStoreText(value))

function toRow(r: DbRow): EntityRow {
  return {
    id: r.id,
    entityType: r.entity_type,
    fqn: decodeStoreText(r.fqn),
    service: decodeStoreText(r.service),
    databaseFqn: decodeOrNull(r.database_fqn),
    parentFqn: decodeOrNull(r.parent_fqn),
    json: parseStoreJson<EntityJson>(r.json),
    deleted: r.deleted === true || r.deleted === 1,
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Ids are kept in lower case: PostgreSQL's uuid compares without regard to case, SQLite's text
 * does not, so both see one spelling. Undefined when `value` is no UUID (it names no entity).
 */
export function entityIdKey(value: string): string | undefined {
  return uuidPattern.test(value) ? value.toLowerCase() : undefined
}

/** One entity by id or FQN. Writers call the runner's serialize first, so what they read stays theirs until they commit. */
export async function findEntity(ex: SqlExecutor, t: CatalogTables, key: { id: string } | { fqn: string }, options: { type?: CatalogEntityType } = {}): Promise<EntityRow | undefined> {
  let where: string
  let value: string
  if ('id' in key) {
    const id = entityIdKey(key.id)
    if (id === undefined) return undefined
    ;[where, value] = ['id = $1', id]
  } else {
    ;[where, value] = ['fqn = $1', encodeStoreText(key.fqn)]
  }
  const params: unknown[] = [value]
  if (options.type !== undefined) {
    where += ' AND entity_type = $2'
    params.push(options.type)
  }
  const rows = await ex.query<DbRow>(`SELECT ${columns} FROM ${t.entities} WHERE ${where}`, params)
  return rows[0] === undefined ? undefined : toRow(rows[0])
}

/** The entities of these FQNs that exist, by FQN: one statement per slice of the list. */
export async function findEntitiesByFqn(ex: SqlExecutor, t: CatalogTables, fqns: readonly string[]): Promise<Map<string, EntityRow>> {
  const found = new Map<string, EntityRow>()
  for (const slice of paramChunks([...new Set(fqns)], 1)) {
    const rows = await ex.query<DbRow>(`SELECT ${columns} FROM ${t.entities} WHERE fqn IN (${placeholders(1, slice.length)})`, slice.map(encodeStoreText))
    for (const r of rows) {
      const row = toRow(r)
      found.set(row.fqn, row)
    }
  }
  return found
}

const entityWidth = 9

/** Inserts or overwrites the entities (by id), a multi-row statement per slice; each id at most once. */
export async function saveEntities(ex: SqlExecutor, t: CatalogTables, writes: readonly { row: EntityRow; updatedAt: number }[]): Promise<void> {
  for (const slice of paramChunks(writes, entityWidth)) {
    const params = slice.flatMap(({ row, updatedAt }) => [
      row.id,
      row.entityType,
      encodeStoreText(row.fqn),
      encodeStoreText(row.service),
      encodeStoreTextOrNull(row.databaseFqn),
      encodeStoreTextOrNull(row.parentFqn),
      encodeStoreJson(row.json),
      row.deleted,
      updatedAt,
    ])
    await ex.query(
      `INSERT INTO ${t.entities} (id, entity_type, fqn, service, database_fqn, parent_fqn, json, deleted, updated_at)
       VALUES ${valueRows(slice.length, entityWidth)}
       ON CONFLICT (id) DO UPDATE SET json = excluded.json, deleted = excluded.deleted, updated_at = excluded.updated_at`,
      params,
    )
  }
}

/** Every entity of a service, deleted ones too, without their JSON: what ingestion compares the source with. */
export async function entityKeys(ex: SqlExecutor, t: CatalogTables, service: string): Promise<{ entityType: CatalogEntityType; fqn: string; deleted: boolean }[]> {
  const rows = await ex.query<{ entity_type: CatalogEntityType; fqn: string; deleted: boolean | number }>(
    `SELECT entity_type, fqn, deleted FROM ${t.entities} WHERE service = $1 ORDER BY fqn`,
    [encodeStoreText(service)],
  )
  return rows.map((r) => ({ entityType: r.entity_type, fqn: decodeStoreText(r.fqn), deleted: r.deleted === true || r.deleted === 1 }))
}

/**
 * One page of entities in FQN byte order, and the total under the same filter. The `after`
 * cursor is opaque to clients (base64url of the last FQN), as OpenMetadata's is. Byte order on
 * both databases: PostgreSQL's fqn columns are COLLATE "C", SQLite's BINARY compares UTF-8 bytes.
 */
export async function listEntityRows(
  ex: SqlExecutor,
  t: CatalogTables,
  type: CatalogEntityType,
  filter: EntityFilter,
  page: { limit: number; after?: string; include: Include },
): Promise<{ rows: EntityRow[]; after?: string; total: number }> {
  const where = ['entity_type = $1']
  const params: unknown[] = [type]
  const add = (clause: (n: string) => string, value: unknown) => {
    params.push(value)
    where.push(clause(`$${params.length}`))
  }
  if (filter.service !== undefined) add((n) => `service = ${n}`, encodeStoreText(filter.service))
  if (type !== 'database' && filter.database !== undefined) add((n) => `database_fqn = ${n}`, encodeStoreText(filter.database))
  if (type === 'table' && filter.databaseSchema !== undefined) add((n) => `parent_fqn = ${n}`, encodeStoreText(filter.databaseSchema))
  if (page.include !== 'all') add((n) => `deleted = ${n}`, page.include === 'deleted')
  const [count] = await ex.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${t.entities} WHERE ${where.join(' AND ')}`, params)
  const total = Number(count?.n ?? 0)
  if (page.limit === 0) return { rows: [], total }
  if (page.after !== undefined) add((n) => `fqn > ${n}`, encodeStoreText(decodeCursor(page.after!)))
  params.push(page.limit + 1)
  const rows = await ex.query<DbRow>(`SELECT ${columns} FROM ${t.entities} WHERE ${where.join(' AND ')} ORDER BY fqn LIMIT $${params.length}`, params)
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
