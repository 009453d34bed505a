import { putState } from '../snapshot-state.js'
import { isRevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import { assetFqn } from '../../model/fqn.js'
import type { Dialect, ObjectState, ObjectType } from '../connector.js'

/**
 * Read-back SQL and the pure row → ObjectState mapping. Every value travels as a parameter of a
 * server-side prepared statement: mysql2's client-side interpolation escapes with backslashes,
 * which a NO_BACKSLASH_ESCAPES session would read differently.
 */

/** The session's mode and the server's version, read on every new connection. */
export const sessionFactsSql = 'SELECT @@SESSION.sql_mode AS sql_mode, VERSION() AS version'

/** Holds a connection to the mode the first one had (or the configured one). */
export const setSqlModeSql = 'SET SESSION sql_mode = ?'

export interface SessionRow {
  readonly sql_mode: string
  readonly version: string
}

export interface SchemaRow {
  readonly schema_name: string
  readonly schema_comment?: string | null
}

/**
 * The catalog database of a MySQL service: OpenMetadata has no such level in MySQL and names it
 * `default`. Read-back accepts any label there, so only ingestion needs this one.
 */
export const catalogDatabaseLabel = 'default'

/**
 * The server's databases (the catalog's schemas) without the system ones, sorted by bytes, not
 * by information_schema's case-insensitive collation, so every engine lists in the same order.
 */
export const schemaListSql =
  "SELECT SCHEMA_NAME AS schema_name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') ORDER BY CAST(SCHEMA_NAME AS BINARY)"

export interface TableRow {
  readonly table_schema: string
  readonly table_name: string
  readonly table_type: string
  readonly table_comment: string | null
}

export interface ColumnRow {
  readonly table_schema: string
  readonly table_name: string
  readonly column_name: string
  readonly column_comment: string | null
}

const list = (count: number): string => Array.from({ length: count }, () => '?').join(', ')

/** The catalog's schemas (the server's databases); SCHEMA_COMMENT exists on MariaDB 10.5+ only. */
export function schemataSql(count: number, withComments: boolean): string {
  const comment = withComments ? ', SCHEMA_COMMENT AS schema_comment' : ''
  return `SELECT SCHEMA_NAME AS schema_name${comment} FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (${list(count)})`
}

export function tablesSql(count: number): string {
  return `SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, TABLE_TYPE AS table_type, TABLE_COMMENT AS table_comment FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (${list(count)})`
}

export function columnsSql(count: number): string {
  return `SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, COLUMN_NAME AS column_name, COLUMN_COMMENT AS column_comment FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN (${list(count)})`
}

/** One table's full text: only for tables with a column operation, as it is one query per table. */
export function showCreateTableSql(dialect: Dialect, schema: string, table: string): string {
  return `SHOW CREATE TABLE ${dialect.quoteIdentifier(schema)}.${dialect.quoteIdentifier(table)}`
}

const tableTypes: Readonly<Record<string, ObjectType>> = {
  'BASE TABLE': 'table',
  // MariaDB's system-versioned tables take comments like any table.
  'SYSTEM VERSIONED': 'table',
  VIEW: 'view',
}

export function objectTypeOfTable(tableType: string): ObjectType | undefined {
  return tableTypes[tableType]
}

/** What one read-back covers, worked out from the assets asked for. */
export interface ReadBackPlan {
  /** Server databases, each once. */
  readonly schemas: readonly string[]
  /** The catalog database names each server database was asked under (OpenMetadata: `default`). */
  readonly catalogDatabases: ReadonlyMap<string, ReadonlySet<string>>
  /** Tables (by {@link tableKey}) whose columns need their definitions. */
  readonly definitionTables: ReadonlySet<string>
}

export const tableKey = (schema: string, table: string): string => `${schema}\u0000${table}`

export function planReadBack(assets: readonly AssetRef[]): ReadBackPlan {
  const catalogDatabases = new Map<string, Set<string>>()
  const definitionTables = new Set<string>()
  for (const asset of assets) {
    if (asset.schema === undefined) continue
    let names = catalogDatabases.get(asset.schema)
    if (names === undefined) catalogDatabases.set(asset.schema, (names = new Set()))
    names.add(asset.database)
    if (asset.level === 'column' && asset.table !== undefined) definitionTables.add(tableKey(asset.schema, asset.table))
  }
  return { schemas: [...catalogDatabases.keys()], catalogDatabases, definitionTables }
}

export interface ReadBackRows {
  readonly schemata: readonly SchemaRow[]
  readonly tables: readonly TableRow[]
  readonly columns: readonly ColumnRow[]
  /** Column definitions by {@link tableKey}, then by column name. */
  readonly definitions: ReadonlyMap<string, ReadonlyMap<string, string>>
}

/**
 * The snapshot, keyed by assetFqn under every catalog database name the schema was asked under.
 * Objects whose names have no FQN (an empty name) are left out, not fatal.
 */
export function buildSnapshot(service: string, plan: ReadBackPlan, rows: ReadBackRows): Map<string, ObjectState> {
  const into = new Map<string, ObjectState>()
  const put = (schema: string, parts: Omit<AssetRef, 'service' | 'database' | 'schema'>, state: ObjectState): void => {
    for (const database of plan.catalogDatabases.get(schema) ?? []) putState(into, { ...parts, service, database, schema }, state)
  }
  const types = new Map<string, ObjectType>()
  for (const row of rows.schemata) put(row.schema_name, { level: 'schema' }, { objectType: 'schema', description: comment(row.schema_comment) })
  for (const row of rows.tables) {
    const objectType = objectTypeOfTable(row.table_type)
    if (objectType === undefined) continue
    types.set(tableKey(row.table_schema, row.table_name), objectType)
    // A view's TABLE_COMMENT reads 'VIEW': that is the server's label, not a description.
    const description = objectType === 'view' ? null : comment(row.table_comment)
    put(row.table_schema, { level: 'table', table: row.table_name }, { objectType, description })
  }
  for (const row of rows.columns) {
    const key = tableKey(row.table_schema, row.table_name)
    if (!types.has(key)) continue
    const definition = rows.definitions.get(key)?.get(row.column_name)
    const state: ObjectState = { objectType: 'column', description: comment(row.column_comment), ...(definition !== undefined ? { definition } : {}) }
    put(row.table_schema, { level: 'column', table: row.table_name, column: row.column_name }, state)
  }
  return into
}

/** The server shows "no comment" as ''. */
function comment(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value
}

