import { RevmetaError } from '../../errors/revmeta-error.js'

/**
 * A field of a BigQuery table schema as the REST API returns it. Only `name`, `description` and
 * `fields` are read; every other property (type, mode, policy tags, collation, default value, ...)
 * rides along untouched, since tables.patch replaces the whole schema.
 */
export interface SchemaField {
  readonly name: string
  readonly description?: string | null
  readonly fields?: readonly SchemaField[]
  readonly [other: string]: unknown
}

/** One description change: the field's path (a nested STRUCT field has several parts) and its new text, null to remove. */
export interface FieldDescription {
  readonly path: readonly string[]
  readonly description: string | null
}

/** A nested column as OpenMetadata names it, `address.city`: BigQuery column names hold no dot, so every dot separates a level. */
export const fieldPath = (column: string): string[] => column.split('.')

// Column names are case-insensitive in BigQuery: an exact match first, then one ignoring case.
function indexOf(fields: readonly SchemaField[], name: string): number {
  const exact = fields.findIndex((f) => f.name === name)
  return exact >= 0 ? exact : fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase())
}

/** The field at `path`, or undefined when the schema has none. */
export function fieldAt(fields: readonly SchemaField[], path: readonly string[]): SchemaField | undefined {
  const [head, ...rest] = path
  const found = fields[indexOf(fields, head!)]
  if (found === undefined || rest.length === 0) return found
  return fieldAt(found.fields ?? [], rest)
}

/** A copy of the schema with one field's description changed and nothing else. */
export function withDescription(fields: readonly SchemaField[], change: FieldDescription, table: string): SchemaField[] {
  const [head, ...rest] = change.path
  const i = indexOf(fields, head!)
  if (i < 0) {
    throw new RevmetaError('OBJECT_NOT_FOUND', `column ${change.path.join('.')} does not exist in table ${table}`, { details: { table, column: change.path.join('.') } })
  }
  const field = fields[i]!
  let changed: SchemaField
  if (rest.length > 0) changed = { ...field, fields: withDescription(field.fields ?? [], { path: rest, description: change.description }, table) }
  else if (change.description === null) {
    const { description: _dropped, ...others } = field
    changed = others as SchemaField
  } else changed = { ...field, description: change.description }
  return fields.map((f, k) => (k === i ? changed : f))
}

/** The request body's schema when only the changed field is known (planned offline): its path and description, nothing else. */
export function sparseSchema(change: FieldDescription): { fields: SchemaField[] } {
  const leaf: SchemaField = { name: change.path.at(-1)!, description: change.description }
  const nested = change.path.slice(0, -1).reduceRight<SchemaField>((inner, name) => ({ name, fields: [inner] }), leaf)
  return { fields: [nested] }
}

/** The changes a sparse schema asks for: every field that carries its own `description` key. */
export function sparseChanges(fields: readonly SchemaField[], prefix: readonly string[] = []): FieldDescription[] {
  return fields.flatMap((f) => {
    const path = [...prefix, f.name]
    const own = Object.hasOwn(f, 'description') ? [{ path, description: f.description ?? null }] : []
    return [...own, ...sparseChanges(f.fields ?? [], path)]
  })
}

/**
 * The description changes that turn `base` into `wanted`, field by field. Anything else that
 * differs (a field added, dropped, retyped) is not a description change and is refused.
 */
export function descriptionChanges(wanted: readonly SchemaField[], base: readonly SchemaField[], table: string, prefix: readonly string[] = []): FieldDescription[] {
  if (wanted.length !== base.length || wanted.some((f, i) => f.name !== base[i]!.name)) {
    throw new RevmetaError('CONCURRENT_MODIFICATION', `the schema of ${table} sent differs from the one read in more than descriptions (${prefix.length > 0 ? `under ${prefix.join('.')}` : 'at the top level'}); plan again`, { details: { table } })
  }
  return wanted.flatMap((f, i) => {
    const b = base[i]!
    const path = [...prefix, f.name]
    const own = (f.description ?? null) !== (b.description ?? null) ? [{ path, description: f.description ?? null }] : []
    return [...own, ...descriptionChanges(f.fields ?? [], b.fields ?? [], table, path)]
  })
}
