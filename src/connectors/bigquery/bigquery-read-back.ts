import type { ObjectState, ObjectType } from '../connector.js'
import { assetFqn } from '../../model/fqn.js'
import type { SchemaField } from './bigquery-schema-fields.js'
import { tableDefinitionText } from './bigquery-table-definition.js'

/** The parts of datasets.get and tables.get this connector reads; everything else is left alone. */
export interface DatasetResource {
  readonly description?: string | null
  readonly labels?: Readonly<Record<string, string>>
}

export interface TableResource extends DatasetResource {
  readonly type?: string
  readonly etag?: string
  readonly schema?: { readonly fields?: readonly SchemaField[] }
}

/** BigQuery's table types as object types; a type of its own (SNAPSHOT, ...) stays BigQuery's. */
const objectTypes: Readonly<Record<string, ObjectType>> = {
  TABLE: 'table',
  VIEW: 'view',
  MATERIALIZED_VIEW: 'materialized_view',
  EXTERNAL: 'external_table',
}

export const objectTypeOf = (type: string | undefined): ObjectType => (type === undefined ? 'table' : (objectTypes[type] ?? type.toLowerCase()))

export interface ReadBackPlace {
  readonly service: string
  readonly project: string
  readonly dataset: string
  /** The label key that holds the owner, when owners are written as a label. */
  readonly ownerLabel?: string
}

/** Labels as tags (key → classification, value → tag), the owner label apart. */
function labelStates(labels: Readonly<Record<string, string>> | undefined, ownerLabel: string | undefined): Pick<ObjectState, 'tags' | 'owner'> {
  const entries = Object.entries(labels ?? {})
  const tags = entries.filter(([key]) => key !== ownerLabel).map(([key, value]) => ({ key, value }))
  return ownerLabel === undefined ? { tags } : { tags, owner: labels?.[ownerLabel] ?? null }
}

export function datasetState(resource: DatasetResource, place: ReadBackPlace): [string, ObjectState] {
  const fqn = assetFqn({ level: 'schema', service: place.service, database: place.project, schema: place.dataset })
  return [fqn, { objectType: 'schema', description: resource.description ?? null, ...labelStates(resource.labels, place.ownerLabel) }]
}

/**
 * A table (view, materialized view) and each of its columns, nested STRUCT fields as `a.b`. Every
 * column carries the table's schema and ETag as its definition, so a column's description can be
 * planned as the complete schema with only that description changed.
 */
export function tableStates(table: string, resource: TableResource, place: ReadBackPlace): [string, ObjectState][] {
  const asset = { service: place.service, database: place.project, schema: place.dataset, table }
  const fields = resource.schema?.fields ?? []
  const definition = tableDefinitionText({ etag: resource.etag ?? '', fields })
  const out: [string, ObjectState][] = [
    [assetFqn({ ...asset, level: 'table' }), { objectType: objectTypeOf(resource.type), description: resource.description ?? null, ...labelStates(resource.labels, place.ownerLabel) }],
  ]
  const walk = (list: readonly SchemaField[], prefix: string) => {
    for (const field of list) {
      const column = prefix + field.name
      out.push([assetFqn({ ...asset, level: 'column', column }), { objectType: 'column', description: field.description ?? null, definition }])
      walk(field.fields ?? [], `${column}.`)
    }
  }
  walk(fields, '')
  return out
}
