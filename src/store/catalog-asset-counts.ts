import { SqlStateStore } from './sql-state-store.js'
import type { StateStore } from './state-store.js'

export interface AssetCounts {
  readonly databases: number
  readonly schemas: number
  readonly tables: number
  readonly columns: number
}

/** Per service, the live assets of the built-in catalog (its tables sit in every SQL store, empty when another catalog is used). */
export async function catalogAssetCounts(store: StateStore): Promise<Map<string, AssetCounts>> {
  if (!(store instanceof SqlStateStore)) return new Map()
  const runner = store.sqlRunner
  // `json -> 'columns'` is JSON on both databases (PostgreSQL's json operator, SQLite's JSON
  // function of the same name), so the columns are counted where they lie, without reading them out.
  const rows = await runner.query<{ service: string; databases: string | number; schemas: string | number; tables: string | number; columns: string | number | null }>(
    `SELECT service,
        count(*) FILTER (WHERE entity_type = 'database') AS databases,
        count(*) FILTER (WHERE entity_type = 'databaseSchema') AS schemas,
        count(*) FILTER (WHERE entity_type = 'table') AS tables,
        sum(CASE WHEN entity_type = 'table' THEN coalesce(json_array_length(json -> 'columns'), 0) ELSE 0 END) AS columns
      FROM ${runner.dialect.tables(store.schema)}.catalog_entities WHERE deleted = $1 GROUP BY service`,
    [false],
  )
  return new Map(rows.map((r) => [r.service, { databases: Number(r.databases), schemas: Number(r.schemas), tables: Number(r.tables), columns: Number(r.columns ?? 0) }]))
}
