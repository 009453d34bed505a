import { RevmetaError } from '../../errors/revmeta-error.js'
import type { SchemaField } from './bigquery-schema-fields.js'

/** What a column's read-back carries for the dialect: its table's schema as read, and the ETag of that read. */
export interface TableDefinition {
  readonly etag: string
  readonly fields: readonly SchemaField[]
}

export const tableDefinitionText = (definition: TableDefinition): string => JSON.stringify(definition)

export function parseTableDefinition(text: string): TableDefinition {
  const parsed = JSON.parse(text) as Partial<TableDefinition>
  if (typeof parsed.etag !== 'string' || !Array.isArray(parsed.fields)) throw new RevmetaError('INTERNAL', 'a BigQuery column was read back without its table schema')
  return parsed as TableDefinition
}
