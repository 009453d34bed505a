import { RevmetaError } from '../../errors/revmeta-error.js'
import { apiStatement, type Statement } from '../../model/statement.js'
import { assetFqn } from '../../model/fqn.js'
import type { DescriptionRenderer, Dialect, ObjectTarget, OwnerRenderer, TagChange, TagRenderer } from '../connector.js'
import { assertStorableText } from '../kit/text-checks.js'
import { labelOf, maxLabelLength, ownerLabelValue } from './bigquery-labels.js'
import { bigqueryEndpoint, resourcePath } from './bigquery-paths.js'
import { fieldPath, sparseSchema, withDescription, type SchemaField } from './bigquery-schema-fields.js'
import { parseTableDefinition } from './bigquery-table-definition.js'

export interface BigQueryDialectOptions {
  /** Label key that holds the owner; absent: owners are unsupported (BigQuery has no owners). */
  readonly ownerLabel?: string
}

const patch = (target: ObjectTarget, body: unknown): Statement => apiStatement({ endpoint: bigqueryEndpoint, method: 'PATCH', path: resourcePath(target.asset), body })

/**
 * BigQuery through its REST API (datasets.patch, tables.patch): JSON bodies, so no escaping.
 * Descriptions on datasets, tables, views, materialized views and columns (nested STRUCT fields
 * included); labels as tags on datasets and tables; owners as a label when configured. Pure: the
 * requests are data, the client sends them.
 */
export class BigQueryDialect implements Dialect {
  readonly name = 'bigquery'
  readonly description: DescriptionRenderer
  readonly tags: TagRenderer
  readonly owners?: OwnerRenderer

  constructor(options: BigQueryDialectOptions = {}) {
    this.description = {
      // A project has no description.
      levels: ['schema', 'table', 'column'],
      maxLength: { table: { max: 16_384, unit: 'characters' }, column: { max: 1_024, unit: 'characters' } },
      // The REST API leaves an empty description out of what it returns: '' is no description.
      emptyIsNull: true,
      render: (target, text) => [this.renderDescription(target, text)],
    }
    const ownerKey = options.ownerLabel === undefined ? undefined : labelOf({ key: options.ownerLabel, value: '' }).key
    this.tags = {
      // Labels sit on datasets, tables and views; columns have policy tags only, which are not labels.
      levels: ['schema', 'table'],
      maxValueLength: { max: maxLabelLength, unit: 'characters' },
      stored: (tag) => {
        const label = labelOf(tag)
        // The owner's label is the owners' to write: a tag there would fight them on every run.
        if (label.key === ownerKey) throw new RevmetaError('LABEL_INVALID', `Tag ${tag.key}.${tag.value} maps to the label key ${JSON.stringify(ownerKey)}, which holds the owner (ownerLabel)`, { details: { engine: 'bigquery', key: ownerKey } })
        return label
      },
      render: (target, change) => [patch(target, { labels: labelsBody(change) })],
    }
    if (ownerKey !== undefined) {
      const key = ownerKey
      this.owners = {
        levels: ['schema', 'table'],
        render: (target, principal) => [patch(target, { labels: { [key]: ownerLabelValue(principal) } })],
      }
    }
  }

  quoteIdentifier(name: string): string {
    assertStorableText(name, { engine: 'bigquery', what: 'identifier' })
    return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``
  }

  /** BigQuery's literals escape with backslashes (`''` is no escape); JSON's escapes are a subset it reads back exactly. */
  quoteLiteral(value: string): string {
    assertStorableText(value, { engine: 'bigquery', what: 'value' })
    return `'${JSON.stringify(value).slice(1, -1).replaceAll("'", "\\'").replaceAll('\\"', '"')}'`
  }

  sessionSetup(): string[] {
    return []
  }

  private renderDescription(target: ObjectTarget, text: string | null): Statement {
    if (text !== null) assertStorableText(text, { engine: 'bigquery', what: 'value' })
    const { asset } = target
    if (asset.level !== 'column') return patch(target, { description: text })
    const change = { path: fieldPath(asset.column!), description: text }
    // Planned offline only the changed field is known; with the table read, the complete schema
    // (the read with this one change) and its ETag, which the SDK sends as If-Match.
    if (target.definition === undefined) return patch(target, { schema: sparseSchema(change) })
    const table = parseTableDefinition(target.definition)
    const fields: SchemaField[] = withDescription(table.fields, change, assetFqn({ ...asset, level: 'table', column: undefined }))
    return patch(target, { etag: table.etag, schema: { fields } })
  }
}

/** Removed keys become null (datasets.patch and tables.patch delete that one label), added ones their value. */
function labelsBody({ add, remove }: TagChange): Record<string, string | null> {
  const body: Record<string, string | null> = {}
  for (const tag of remove) body[tag.key] = null
  for (const tag of add) body[tag.key] = tag.value
  return body
}
