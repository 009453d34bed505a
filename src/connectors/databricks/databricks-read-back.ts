import type { AssetRef } from '../../model/asset.js'
import type { ObjectState, ObjectType } from '../connector.js'
import { putState } from '../snapshot-state.js'
import type { DatabricksDialect } from './databricks-dialect.js'
import { fieldDefinition } from './databricks-nested-field.js'
import { parseFullDataType, parseTypeJson, structFields, type TypeNode } from './databricks-struct-type.js'
import type { DatabricksQuery, Row, StatementParameter } from './databricks-statements.js'

/**
 * Read-back SQL and row mapping, pure: the client runs the queries and hands the rows back. One
 * query per kind of object for all the schemas asked for in a catalog, on the catalog's own
 * information_schema; names reach the SQL only as quoted identifiers (the catalog) and bound
 * parameters (everything compared), lowercased since Unity Catalog stores names in lowercase.
 */
export type DatabricksReadBackKind = 'catalogs' | 'schemata' | 'tables' | 'columns' | 'catalogTags' | 'schemaTags' | 'tableTags' | 'columnTags'

export function databricksReadBackQueries(dialect: DatabricksDialect, catalog: string, schemas: readonly string[], kinds: readonly DatabricksReadBackKind[] = allKinds): Partial<Record<DatabricksReadBackKind, DatabricksQuery>> {
  const info = `${dialect.quoteIdentifier(catalog)}.information_schema`
  const catalogParam: StatementParameter = { name: 'catalog', value: catalog.toLowerCase() }
  const schemaParams: StatementParameter[] = schemas.map((schema, index) => ({ name: `s${index}`, value: schema.toLowerCase() }))
  const inList = (column: string) => `lower(${column}) IN (${schemaParams.map((p) => `:${p.name}`).join(', ')})`
  const perCatalog = (sql: string): DatabricksQuery => ({ statement: sql, parameters: [catalogParam] })
  const perSchemas = (sql: string): DatabricksQuery | undefined => (schemas.length === 0 ? undefined : { statement: sql, parameters: schemaParams })
  const queries: Record<DatabricksReadBackKind, DatabricksQuery | undefined> = {
    catalogs: perCatalog(`SELECT catalog_name, catalog_owner, comment FROM ${info}.catalogs WHERE lower(catalog_name) = :catalog`),
    catalogTags: perCatalog(`SELECT catalog_name, tag_name, tag_value FROM ${info}.catalog_tags WHERE lower(catalog_name) = :catalog`),
    schemata: perSchemas(`SELECT schema_name, schema_owner, comment FROM ${info}.schemata WHERE ${inList('schema_name')}`),
    schemaTags: perSchemas(`SELECT schema_name, tag_name, tag_value FROM ${info}.schema_tags WHERE ${inList('schema_name')}`),
    tables: perSchemas(`SELECT table_schema, table_name, table_type, table_owner, comment FROM ${info}.tables WHERE ${inList('table_schema')}`),
    tableTags: perSchemas(`SELECT schema_name, table_name, tag_name, tag_value FROM ${info}.table_tags WHERE ${inList('schema_name')}`),
    columns: perSchemas(`SELECT table_schema, table_name, column_name, full_data_type, comment FROM ${info}.columns WHERE ${inList('table_schema')} ORDER BY table_schema, table_name, ordinal_position`),
    columnTags: perSchemas(`SELECT schema_name, table_name, column_name, tag_name, tag_value FROM ${info}.column_tags WHERE ${inList('schema_name')}`),
  }
  return Object.fromEntries(kinds.flatMap((kind) => (queries[kind] !== undefined ? [[kind, queries[kind]]] : [])))
}

export const allKinds: readonly DatabricksReadBackKind[] = ['catalogs', 'catalogTags', 'schemata', 'schemaTags', 'tables', 'tableTags', 'columns', 'columnTags']

/** Maps information_schema.tables.table_type onto the shared object types. */
export function databricksObjectType(tableType: unknown): ObjectType {
  switch (String(tableType ?? '').toUpperCase()) {
    case 'VIEW':
      return 'view'
    case 'MATERIALIZED_VIEW':
    case 'MATERIALIZED VIEW':
      return 'materialized_view'
    case 'STREAMING_TABLE':
      return 'streaming_table'
    case 'EXTERNAL':
      return 'external_table'
    case 'FOREIGN':
      return 'foreign_table'
    default:
      // MANAGED, EXTERNAL_SHALLOW_CLONE, ... : ALTER TABLE reaches them.
      return 'table'
  }
}

/**
 * The names the catalog used for the objects asked for, by their lowercase form: Unity Catalog
 * answers `sales` for a catalog OpenMetadata (or a person) wrote `Sales`, and the snapshot must
 * be keyed as the operation names it. Objects nobody asked for keep the engine's spelling.
 */
export class AskedNames {
  private readonly names = new Map<string, string[]>()

  constructor(assets: readonly AssetRef[]) {
    for (const asset of assets) {
      const parts = [asset.database, asset.schema, asset.table, asset.column, ...(asset.path ?? [])].filter((p) => p !== undefined)
      for (let depth = 1; depth <= parts.length; depth++) this.names.set(JSON.stringify(parts.slice(0, depth).map((p) => p.toLowerCase())), parts.slice(0, depth))
    }
  }

  /** The asked spelling of these engine names, part by part: a parent asked for keeps its spelling under a child nobody asked for. */
  resolve(parts: readonly string[]): string[] {
    const out: string[] = []
    for (let depth = 1; depth <= parts.length; depth++) {
      const asked = this.names.get(JSON.stringify(parts.slice(0, depth).map((p) => p.toLowerCase())))
      out.push(asked?.[depth - 1] ?? parts[depth - 1]!)
    }
    return out
  }
}

/** A column's type: Unity Catalog's `type_json` when the REST listing gave it, else information_schema's `full_data_type`. */
function columnType(row: Row): TypeNode {
  if (row.type_json !== undefined && row.type_json !== null) return parseTypeJson(row.type_json)
  return row.full_data_type === undefined || row.full_data_type === null ? { kind: 'other' } : parseFullDataType(row.full_data_type)
}

export type DatabricksRows = Partial<Record<DatabricksReadBackKind, readonly Row[]>>

type Tag = { key: string; value: string }

/**
 * Files every row under its FQN (as the catalog asked for it). Databricks tags are direct only
 * (catalog and schema tags reach children only for ABAC policies, never information_schema),
 * so every object whose tags were read holds its own list, [] when it has none. A column's state
 * carries its relation's type in `definition`, which decides ALTER TABLE or ALTER VIEW for it.
 */
export function databricksSnapshot(into: Map<string, ObjectState>, service: string, catalog: string, rows: DatabricksRows, names: AskedNames): void {
  const tags = new Map<string, Tag[]>()
  const tagRows: [DatabricksReadBackKind, string[]][] = [
    ['catalogTags', []],
    ['schemaTags', ['schema_name']],
    ['tableTags', ['schema_name', 'table_name']],
    ['columnTags', ['schema_name', 'table_name', 'column_name']],
  ]
  for (const [kind, columns] of tagRows) {
    for (const row of rows[kind] ?? []) {
      const key = JSON.stringify(names.resolve([catalog, ...columns.map((c) => row[c] ?? '')]).map((p) => p.toLowerCase()))
      const list = tags.get(key) ?? []
      list.push({ key: row.tag_name ?? '', value: row.tag_value ?? '' })
      tags.set(key, list)
    }
  }
  const tagsOf = (kind: DatabricksReadBackKind, parts: readonly string[]): { tags?: Tag[] } => {
    if (rows[kind] === undefined) return {}
    return { tags: tags.get(JSON.stringify(parts.map((p) => p.toLowerCase()))) ?? [] }
  }
  const [catalogName = catalog] = names.resolve([catalog])
  for (const row of rows.catalogs ?? []) {
    if ((row.catalog_name ?? '').toLowerCase() !== catalog.toLowerCase()) continue
    putState(into, { level: 'database', service, database: catalogName }, { objectType: 'database', description: row.comment ?? null, owner: row.catalog_owner ?? null, ...tagsOf('catalogTags', [catalog]) })
  }
  for (const row of rows.schemata ?? []) {
    const [, schema = ''] = names.resolve([catalog, row.schema_name ?? ''])
    putState(into, { level: 'schema', service, database: catalogName, schema }, { objectType: 'schema', description: row.comment ?? null, owner: row.schema_owner ?? null, ...tagsOf('schemaTags', [catalog, schema]) })
  }
  const relationType = new Map<string, ObjectType>()
  for (const row of rows.tables ?? []) {
    const [, schema = '', table = ''] = names.resolve([catalog, row.table_schema ?? '', row.table_name ?? ''])
    const objectType = databricksObjectType(row.table_type)
    relationType.set(JSON.stringify([schema, table].map((p) => p.toLowerCase())), objectType)
    putState(into, { level: 'table', service, database: catalogName, schema, table }, { objectType, description: row.comment ?? null, owner: row.table_owner ?? null, ...tagsOf('tableTags', [catalog, schema, table]) })
  }
  for (const row of rows.columns ?? []) {
    const [, schema = '', table = '', column = ''] = names.resolve([catalog, row.table_schema ?? '', row.table_name ?? '', row.column_name ?? ''])
    const relation = relationType.get(JSON.stringify([schema, table].map((p) => p.toLowerCase()))) ?? 'table'
    putState(into, { level: 'column', service, database: catalogName, schema, table, column }, { objectType: 'column', description: row.comment ?? null, definition: relation, ...tagsOf('columnTags', [catalog, schema, table, column]) })
    for (const field of structFields(columnType(row))) {
      const [, , , , ...path] = names.resolve([catalog, schema, table, column, ...field.path])
      // No tags: Databricks tags top-level columns only (column_tags has no field path).
      putState(into, { level: 'column', service, database: catalogName, schema, table, column, path }, { objectType: 'field', description: field.comment, definition: fieldDefinition(relation, [column, ...field.address]) })
    }
  }
}
