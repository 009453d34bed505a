import type { AssetRef } from '../../model/asset.js'
import type { ObjectState } from '../connector.js'
import { putState } from '../snapshot-state.js'
import { databaseDefinition, glueTableKind, tableDefinition } from './athena-definition.js'
import { columnsOf } from './athena-glue-input.js'

type Read = Record<string, unknown>
type Tag = { key: string; value: string }

/** The tags kept in Parameters under the prefix, as key (the rest of the parameter's key) and value. */
export function tagsOf(parameters: unknown, prefix: string): Tag[] {
  if (typeof parameters !== 'object' || parameters === null) return []
  return Object.entries(parameters as Record<string, unknown>)
    .filter(([key, value]) => key.startsWith(prefix) && key.length > prefix.length && typeof value === 'string')
    .map(([key, value]) => ({ key: key.slice(prefix.length), value: value as string }))
}

/**
 * A table's description as revmeta writes it: Description and Parameters.comment saying the
 * same. When they disagree (one edited in the console, the other by Hive DDL), the text says so,
 * which matches no catalog value: the next write makes them agree again.
 */
export function tableDescription(table: Read): string | null {
  const description = typeof table.Description === 'string' ? table.Description : undefined
  const comment = (table.Parameters as Record<string, unknown> | undefined)?.comment
  const hive = typeof comment === 'string' ? comment : undefined
  if (description === hive) return description ?? null
  return `${description ?? ''} [Glue Description ${JSON.stringify(description ?? null)} and Parameters.comment ${JSON.stringify(hive ?? null)} disagree]`
}

/** Where one Glue database's read lands in the snapshot: the catalog's service and database label. */
export interface AthenaPlace {
  readonly service: string
  readonly database: string
}

/** Files the Data Catalog itself (a database that holds no metadata of its own). */
export function addCatalogState(into: Map<string, ObjectState>, place: AthenaPlace): void {
  putState(into, { level: 'database', ...place }, { objectType: 'database', description: null })
}

/** The key of a Glue object's definition: `["db"]` or `["db","table"]`. */
export const readKey = (...names: string[]): string => JSON.stringify(names)

/**
 * Files one Glue database (a catalog schema) and its tables and columns under their FQNs, and
 * returns each object's definition by readKey (the client keeps them to tell a change from the rest).
 */
export function addGlueDatabase(into: Map<string, ObjectState>, place: AthenaPlace, database: Read, tables: readonly Read[], prefix: string): Map<string, string> {
  const schema = String(database.Name)
  const definitions = new Map([[readKey(schema), databaseDefinition(database)]])
  putState(into, { level: 'schema', ...place, schema }, {
    objectType: 'schema',
    description: typeof database.Description === 'string' ? database.Description : null,
    tags: tagsOf(database.Parameters, prefix),
    definition: definitions.get(readKey(schema))!,
  })
  for (const table of tables) {
    const definition = tableDefinition(table)
    definitions.set(readKey(schema, String(table.Name)), definition)
    addGlueTable(into, { level: 'table', ...place, schema, table: String(table.Name) }, table, prefix, definition)
  }
  return definitions
}

function addGlueTable(into: Map<string, ObjectState>, asset: AssetRef, table: Read, prefix: string, definition: string): void {
  putState(into, asset, {
    objectType: glueTableKind(table),
    description: tableDescription(table),
    owner: typeof table.Owner === 'string' ? table.Owner : null,
    tags: tagsOf(table.Parameters, prefix),
    definition,
  })
  for (const { column } of columnsOf(table)) {
    putState(into, { ...asset, level: 'column', column: column.Name }, {
      objectType: 'column',
      description: typeof column.Comment === 'string' ? column.Comment : null,
      tags: tagsOf(column.Parameters, prefix),
      definition,
    })
  }
}
