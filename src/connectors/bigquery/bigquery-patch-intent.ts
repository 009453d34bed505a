import type { TableResource } from './bigquery-read-back.js'
import { descriptionChanges, sparseChanges, withDescription, type FieldDescription, type SchemaField } from './bigquery-schema-fields.js'

/**
 * What PATCH requests to one dataset or table mean to change, known exactly so that it can be
 * applied to whatever version of the resource is newest: top-level fields (description), single
 * labels, and single field descriptions. Several requests' intents combine into one request.
 */
export interface PatchIntent {
  readonly top: Readonly<Record<string, unknown>>
  readonly labels?: Readonly<Record<string, string | null>>
  readonly fields: readonly FieldDescription[]
}

/**
 * The intent of one request body. A sparse schema (planned offline) names the changed fields; a
 * complete one (planned from a read) changes what differs from that read, `base`.
 */
export function intentOf(body: Readonly<Record<string, unknown>>, base: readonly SchemaField[] | undefined, table: string): PatchIntent {
  const { schema, etag: _etag, labels, ...top } = body
  const fields = ((schema as { fields?: SchemaField[] } | undefined)?.fields ?? []) as SchemaField[]
  return {
    top,
    ...(labels !== undefined && labels !== null ? { labels: labels as Record<string, string | null> } : {}),
    fields: schema === undefined ? [] : base === undefined ? sparseChanges(fields) : descriptionChanges(fields, base, table),
  }
}

/** Several intents as one, in order: a later value of the same field or label wins, as sending them one after another would. */
export function combine(intents: readonly PatchIntent[]): PatchIntent {
  const labels = intents.some((i) => i.labels) ? Object.assign({}, ...intents.map((i) => i.labels ?? {})) : undefined
  return { top: Object.assign({}, ...intents.map((i) => i.top)), ...(labels ? { labels } : {}), fields: intents.flatMap((i) => i.fields) }
}

/** The request body for the intent against `current` (the newest table known): the whole schema with only the intended descriptions changed, and its ETag. */
export function bodyFor(intent: PatchIntent, current: TableResource | undefined, table: string): Record<string, unknown> {
  const body: Record<string, unknown> = { ...intent.top, ...(intent.labels ? { labels: intent.labels } : {}) }
  if (intent.fields.length === 0 || current === undefined) return body
  const fields = intent.fields.reduce<readonly SchemaField[]>((f, change) => withDescription(f, change, table), current.schema?.fields ?? [])
  return { ...body, etag: current.etag, schema: { fields } }
}
