import { tableInputOf, databaseInputOf, type GlueJson } from './athena-glue-input.js'

/**
 * What read-back hands the dialect (ObjectState.definition) so it can restate a whole object:
 * the input the read can be sent back as, the VersionId it was read at, and the kind of object.
 * One string per table, shared by the table and all its columns.
 */
export interface AthenaDefinition {
  readonly kind: string
  readonly version?: string
  readonly input: GlueJson
}

/** Kinds UpdateTable / UpdateDatabase may change; the others are reported unsupported. */
export const writableKinds: ReadonlySet<string> = new Set(['database', 'table', 'external_table', 'iceberg_table', 'view'])

/**
 * The kind of a Glue table as read: a multi-dialect view (its ViewDefinition is changed through
 * ViewUpdateAction), a federated table (the remote catalog owns it), a governed table (changes go
 * through Lake Formation transactions) or a materialized view (its engine rewrites it) are not
 * written; Iceberg tables and Athena views are.
 */
export function glueTableKind(table: Record<string, unknown>): string {
  const type = typeof table.TableType === 'string' ? table.TableType.toUpperCase() : ''
  const parameters = (table.Parameters ?? {}) as Record<string, string>
  if (table.IsMultiDialectView === true || table.ViewDefinition !== undefined) return 'multi_dialect_view'
  if (table.FederatedTable !== undefined) return 'federated_table'
  if (table.IsMaterializedView === true) return 'materialized_view'
  if (type === 'GOVERNED') return 'governed_table'
  if (type === 'VIRTUAL_VIEW') return 'view'
  if ((parameters.table_type ?? '').toUpperCase() === 'ICEBERG') return 'iceberg_table'
  if (type === 'EXTERNAL_TABLE') return 'external_table'
  return 'table'
}

export function tableDefinition(table: Record<string, unknown>): string {
  const version = typeof table.VersionId === 'string' ? { version: table.VersionId } : {}
  return JSON.stringify({ kind: glueTableKind(table), ...version, input: tableInputOf(table) })
}

export function databaseDefinition(database: object): string {
  return JSON.stringify({ kind: 'database', input: databaseInputOf(database) })
}

// A table's columns share one definition string, and operations on them come one after another:
// the last parse is kept, so a table with many columns is parsed once, not once per column.
let lastText: string | undefined
let lastParsed: AthenaDefinition | undefined

/** The definition read back, or undefined offline. Callers copy before changing anything. */
export function parseAthenaDefinition(text: string | undefined): AthenaDefinition | undefined {
  if (text === undefined) return undefined
  if (text !== lastText) {
    lastParsed = Object.freeze(JSON.parse(text) as AthenaDefinition)
    lastText = text
  }
  return lastParsed
}
