import type { ObjectState, ObjectType } from '../connector.js'
import { putState } from '../snapshot-state.js'
import { oracleNames, type OracleNames } from './oracle-names.js'

/**
 * Read-back of one schema, pure: four queries (comments of tables and views, of columns, of
 * materialized views, and annotations where the server has them), each binding the schema as
 * `:owner`, and the mapping of their rows (oracledb's OUT_FORMAT_OBJECT: upper-case keys).
 */
export const oracleReadBackSql = {
  tables: 'SELECT TABLE_NAME, TABLE_TYPE, COMMENTS FROM ALL_TAB_COMMENTS WHERE OWNER = :owner',
  columns: 'SELECT TABLE_NAME, COLUMN_NAME, COMMENTS FROM ALL_COL_COMMENTS WHERE OWNER = :owner',
  mviews: 'SELECT MVIEW_NAME, COMMENTS FROM ALL_MVIEW_COMMENTS WHERE OWNER = :owner',
  // The annotation owner is the owner of the annotated object.
  annotations: 'SELECT OBJECT_NAME, OBJECT_TYPE, COLUMN_NAME, DOMAIN_NAME, ANNOTATION_NAME, ANNOTATION_VALUE FROM ALL_ANNOTATIONS_USAGE WHERE ANNOTATION_OWNER = :owner',
} as const

export type OracleRow = Record<string, unknown>

export interface OracleSchemaRows {
  readonly tables: readonly OracleRow[]
  readonly columns: readonly OracleRow[]
  readonly mviews: readonly OracleRow[]
  /** Undefined where the server has no annotations: states then carry no tags. */
  readonly annotations?: readonly OracleRow[]
}

type Tag = { key: string; value: string; inherited?: true }

/**
 * Files one schema's rows under their FQNs, named as the catalog names them (`names`). A materialized view also appears in ALL_TAB_COMMENTS
 * (its container table); ALL_MVIEW_COMMENTS holds its own comment. Annotations a column carries
 * over from a domain are marked inherited. A column carries its relation's type in `definition`.
 */
export function oracleSnapshot(into: Map<string, ObjectState>, service: string, database: string, schema: string, rows: OracleSchemaRows, names: OracleNames = oracleNames(false)): void {
  const catalog = (value: unknown) => names.toCatalog(text(value) ?? '')
  const tags = new Map<string, Tag[]>()
  for (const row of rows.annotations ?? []) {
    const key = JSON.stringify([catalog(row.OBJECT_NAME), row.COLUMN_NAME === null || row.COLUMN_NAME === undefined ? null : catalog(row.COLUMN_NAME)])
    const list = tags.get(key) ?? []
    list.push({ key: text(row.ANNOTATION_NAME) ?? '', value: text(row.ANNOTATION_VALUE) ?? '', ...(text(row.DOMAIN_NAME) !== null ? { inherited: true as const } : {}) })
    tags.set(key, list)
  }
  const tagsOf = (table: string, column: string | null) => (rows.annotations === undefined ? {} : { tags: tags.get(JSON.stringify([table, column])) ?? [] })
  const mviews = new Map(rows.mviews.map((row) => [catalog(row.MVIEW_NAME), text(row.COMMENTS)]))
  const relations = new Map<string, ObjectType>()
  for (const row of rows.tables) {
    const table = catalog(row.TABLE_NAME)
    const mview = mviews.has(table)
    const objectType: ObjectType = mview ? 'materialized_view' : text(row.TABLE_TYPE) === 'VIEW' ? 'view' : 'table'
    relations.set(table, objectType)
    putState(into, { level: 'table', service, database, schema, table }, { objectType, description: mview ? (mviews.get(table) ?? null) : text(row.COMMENTS), ...tagsOf(table, null) })
  }
  for (const row of rows.columns) {
    const table = catalog(row.TABLE_NAME)
    const column = catalog(row.COLUMN_NAME)
    putState(into, { level: 'column', service, database, schema, table, column }, { objectType: 'column', description: text(row.COMMENTS), definition: relations.get(table) ?? 'table', ...tagsOf(table, column) })
  }
}

function text(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value)
}
