import { putState } from '../snapshot-state.js'
import { isRevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import { assetFqn } from '../../model/fqn.js'
import type { ObjectState, ObjectType } from '../connector.js'
import { columnHosts } from './clickhouse-dialect.js'

/**
 * Read-back queries and the pure row → state mapping. Each query takes the ClickHouse databases
 * as one `{dbs:Array(String)}` parameter, bound by the engine (HTTP query parameters, chdb's
 * queryBind), so names never enter the SQL text. `database IN ...` lets the system tables skip
 * every other database instead of listing them all.
 */
export const databasesSql = 'SELECT name, comment FROM system.databases WHERE name IN {dbs:Array(String)}'
export const tablesSql = 'SELECT database, name, engine, toString(uuid) AS uuid, comment FROM system.tables WHERE database IN {dbs:Array(String)}'
export const columnsSql = 'SELECT database, table, name, comment FROM system.columns WHERE database IN {dbs:Array(String)}'

/**
 * The catalog database OpenMetadata puts every ClickHouse database under (its `databaseName`
 * option, unset). Read-back accepts any label there, so only ingestion needs this one.
 */
export const catalogDatabaseLabel = 'default'

/**
 * The ClickHouse databases (the catalog's schemas) without the system ones, in byte order. A
 * server hides its temporary-tables database from system.databases itself; chdb adds none.
 */
export const schemaListSql = "SELECT name FROM system.databases WHERE name NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema') ORDER BY name"

export interface SchemaNameRow {
  readonly name: string
}

export interface DatabaseRow {
  readonly name: string
  readonly comment: string
}

export interface TableRow {
  readonly database: string
  readonly name: string
  readonly engine: string
  readonly uuid: string
  readonly comment: string
}

export interface ColumnRow {
  readonly database: string
  readonly table: string
  readonly name: string
  readonly comment: string
}

/** What one readBack needs: ClickHouse databases (catalog schemas) and the catalog database labels that name them. */
export interface ReadBackPlan {
  /** ClickHouse database → the catalog databases whose schema it was asked as (normally just `default`). */
  readonly labels: ReadonlyMap<string, ReadonlySet<string>>
  readonly catalogDatabases: ReadonlySet<string>
  /**
   * A schema asked for is read whole, tables and columns, as on every other engine: ingestion asks
   * for schemas alone. Only a plan of tables alone can skip system.columns.
   */
  readonly needColumns: boolean
}

export interface ReadBackRows {
  readonly databases: readonly DatabaseRow[]
  readonly tables: readonly TableRow[]
  readonly columns: readonly ColumnRow[]
}

export function planReadBack(assets: readonly AssetRef[]): ReadBackPlan {
  const labels = new Map<string, Set<string>>()
  const catalogDatabases = new Set<string>()
  let needColumns = false
  for (const asset of assets) {
    catalogDatabases.add(asset.database)
    if (asset.schema === undefined) continue
    let set = labels.get(asset.schema)
    if (set === undefined) labels.set(asset.schema, (set = new Set()))
    set.add(asset.database)
    needColumns ||= asset.level !== 'table'
  }
  return { labels, catalogDatabases, needColumns }
}

/** The parameters of every read-back query. */
export function readBackParams(plan: ReadBackPlan): { dbs: string[] } {
  return { dbs: [...plan.labels.keys()] }
}

const objectTypeByEngine: Readonly<Record<string, ObjectType>> = { View: 'view', MaterializedView: 'materialized_view' }

/**
 * Keys every object under each catalog database it was asked for. The catalog databases are
 * labels with no ClickHouse object behind them: they are entered without a description so that
 * templates aimed at them find them.
 */
export function buildSnapshot(service: string, plan: ReadBackPlan, rows: ReadBackRows): Map<string, ObjectState> {
  const into = new Map<string, ObjectState>()
  for (const database of plan.catalogDatabases) putState(into, { level: 'database', service, database }, { objectType: 'database', description: null })
  const each = (schema: string, add: (database: string) => void) => plan.labels.get(schema)?.forEach(add)
  for (const row of rows.databases) {
    each(row.name, (database) => putState(into, { level: 'schema', service, database, schema: row.name }, { objectType: 'schema', description: comment(row.comment) }))
  }
  const hosts = columnHostsOf(rows.tables)
  for (const row of rows.tables) {
    const objectType = objectTypeByEngine[row.engine] ?? 'table'
    each(row.database, (database) => putState(into, { level: 'table', service, database, schema: row.database, table: row.name }, { objectType, description: comment(row.comment) }))
  }
  for (const row of rows.columns) {
    const definition = hosts.get(tableKey(row.database, row.table))
    const state: ObjectState = { objectType: 'column', description: comment(row.comment), ...(definition !== undefined ? { definition } : {}) }
    each(row.database, (database) => putState(into, { level: 'column', service, database, schema: row.database, table: row.table, column: row.name }, state))
  }
  return into
}

/**
 * The engine of each table, for its columns. A materialized view with an inner table is told
 * apart by that table's name: `.inner_id.<uuid>` (Atomic databases) or `.inner.<view>` (Ordinary).
 */
function columnHostsOf(tables: readonly TableRow[]): Map<string, string> {
  const names = new Set(tables.map((row) => tableKey(row.database, row.name)))
  const hosts = new Map<string, string>()
  for (const row of tables) {
    const inner = row.engine === 'MaterializedView' && (names.has(tableKey(row.database, `.inner_id.${row.uuid}`)) || names.has(tableKey(row.database, `.inner.${row.name}`)))
    hosts.set(tableKey(row.database, row.name), inner ? columnHosts.innerMaterializedView : row.engine)
  }
  return hosts
}

const tableKey = (database: string, table: string): string => JSON.stringify([database, table])

/** ClickHouse has no NULL comment: '' is "none". */
const comment = (text: string | null | undefined): string | null => (text === '' || text === undefined ? null : text)

