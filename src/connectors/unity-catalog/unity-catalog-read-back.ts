import type { Row } from '../databricks/databricks-statements.js'
import type { DatabricksRows } from '../databricks/databricks-read-back.js'
import { unityCatalogApi } from './unity-catalog-dialect.js'

/**
 * Unity Catalog's REST read-back, pure: the paths to ask and the mapping of the answers onto the
 * information_schema rows the Databricks snapshot reads, so both connectors file objects alike.
 */
export function catalogPath(catalog: string): string {
  return `${unityCatalogApi}/catalogs/${encodeURIComponent(catalog.toLowerCase())}`
}

/** One page of a listing: schemas of a catalog, or tables (with their columns) of a schema. */
export function listPath(kind: 'schemas' | 'tables', catalog: string, schema: string | undefined, pageSize: number, pageToken: string | undefined): string {
  const query = new URLSearchParams({ catalog_name: catalog.toLowerCase(), ...(schema !== undefined ? { schema_name: schema.toLowerCase() } : {}), max_results: String(pageSize), ...(pageToken !== undefined ? { page_token: pageToken } : {}) })
  return `${unityCatalogApi}/${kind}?${query.toString()}`
}

type Json = Record<string, unknown>

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null)
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter((v): v is Json => typeof v === 'object' && v !== null) : [])

/**
 * The catalog, its schemas and its tables as rows; '' comments (what a REST clear leaves) read as
 * none. A column's `type_json` (Spark's StructField JSON) carries its STRUCT fields' comments.
 */
export function unityCatalogRows(catalog: Json, schemas: readonly Json[], tables: readonly Json[]): DatabricksRows {
  const name = (record: Json): string => (typeof record.name === 'string' ? record.name : '')
  const columns: Row[] = tables.flatMap((table) => list(table.columns).map((column) => ({ table_schema: text(table.schema_name), table_name: name(table), column_name: name(column), comment: text(column.comment), type_json: text(column.type_json) })))
  return {
    catalogs: [{ catalog_name: name(catalog), catalog_owner: text(catalog.owner), comment: text(catalog.comment) }],
    schemata: schemas.map((schema) => ({ schema_name: name(schema), schema_owner: text(schema.owner), comment: text(schema.comment) })),
    tables: tables.map((table) => ({ table_schema: text(table.schema_name), table_name: name(table), table_type: text(table.table_type), table_owner: text(table.owner), comment: text(table.comment) })),
    columns,
  }
}

export { list as jsonList }
