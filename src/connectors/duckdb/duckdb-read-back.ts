import { putState } from '../snapshot-state.js'
import { isRevmetaError } from '../../errors/revmeta-error.js'
import type { AssetRef } from '../../model/asset.js'
import { assetFqn } from '../../model/fqn.js'
import type { ObjectState } from '../connector.js'

/** Read-back SQL and the pure row mapping; no driver here, so both are testable without DuckDB. */

/** One row of {@link duckdbReadBackSql}. */
export interface DuckdbRow {
  readonly level: 'table' | 'column'
  readonly schema_name: string
  readonly table_name: string
  readonly column_name: string | null
  /** 'table' or 'view' for relations; null for columns. */
  readonly object_type: 'table' | 'view' | null
  readonly comment: string | null
}

/**
 * The DuckDB Node client decodes VARCHAR with a TextDecoder that drops a leading U+FEFF, so a
 * comment (or name) starting with one would read back without it, though DuckDB keeps it. Text
 * columns are therefore read with a guard character in front, removed by unguardDuckdbRow.
 */
const guarded = (column: string) => `'.' || ${column}`

/**
 * Every table, view and column of one catalog (`$1`, VARCHAR) in the schemas `$2` (VARCHAR[]),
 * in one round trip. Columns of views are listed by duckdb_columns() too, and take comments.
 * Text columns come guarded: map each row through unguardDuckdbRow.
 */
export const duckdbReadBackSql = `SELECT 'table' AS level, ${guarded('schema_name')} AS schema_name, ${guarded('table_name')} AS table_name, NULL::VARCHAR AS column_name, 'table' AS object_type, ${guarded('comment')} AS comment
  FROM duckdb_tables()
 WHERE database_name = $1 AND list_contains($2, schema_name)
UNION ALL
SELECT 'table', ${guarded('schema_name')}, ${guarded('view_name')}, NULL, 'view', ${guarded('comment')}
  FROM duckdb_views()
 WHERE database_name = $1 AND list_contains($2, schema_name)
UNION ALL
SELECT 'column', ${guarded('schema_name')}, ${guarded('table_name')}, ${guarded('column_name')}, NULL, ${guarded('comment')}
  FROM duckdb_columns()
 WHERE database_name = $1 AND list_contains($2, schema_name)`

/** A row of duckdbReadBackSql with its guard characters removed (NULL stays NULL). */
export function unguardDuckdbRow(row: DuckdbRow): DuckdbRow {
  const strip = <T extends string | null>(v: T): T => (v === null ? v : (v.slice(1) as T))
  return { ...row, schema_name: strip(row.schema_name), table_name: strip(row.table_name), column_name: strip(row.column_name), comment: strip(row.comment) }
}

/** The user's catalogs: the opened file (or `memory`) and any it attached; not `system` or `temp`. */
export const duckdbCatalogsSql = `SELECT database_name FROM duckdb_databases() WHERE NOT internal`

/**
 * The schemas of one catalog (`$1`, VARCHAR). duckdb_schemas() marks `main` internal, though it
 * is where users' tables go by default, so the system schemas are left out by name instead.
 */
export const duckdbSchemaListSql = `SELECT schema_name FROM duckdb_schemas()
 WHERE database_name = $1 AND schema_name NOT IN ('information_schema', 'pg_catalog')
 ORDER BY schema_name`

/**
 * Adds one catalog's rows to `into`, keyed by assetFqn. Names holding a double quote have no FQN
 * (OpenMetadata refuses them too), so nobody can ask for them: they are skipped, not fatal.
 */
export function addDuckdbRows(into: Map<string, ObjectState>, service: string, database: string, rows: readonly DuckdbRow[]): void {
  for (const row of rows) {
    const base = { service, database, schema: row.schema_name, table: row.table_name }
    if (row.level === 'table' && row.object_type !== null) {
      putState(into, { level: 'table', ...base }, { objectType: row.object_type, description: row.comment })
    } else if (row.level === 'column' && row.column_name !== null) {
      putState(into, { level: 'column', ...base, column: row.column_name }, { objectType: 'column', description: row.comment })
    }
  }
}

