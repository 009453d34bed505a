import { isRecord, type CatalogEntityType, type EntityJson } from './om-json.js'

/** Key order of OpenMetadata's Table / DatabaseSchema / Database POJOs (the ones the catalog stores). */
const entityOrder = [
  'id', 'name', 'displayName', 'fullyQualifiedName', 'description', 'version', 'updatedAt', 'updatedBy', 'href',
  'tableType', 'columns', 'owners', 'databaseSchema', 'database', 'service', 'serviceType', 'tags',
  'changeDescription', 'incrementalChangeDescription', 'deleted',
]
const columnOrder = ['name', 'displayName', 'dataType', 'dataLength', 'dataTypeDisplay', 'description', 'fullyQualifiedName', 'tags', 'ordinalPosition', 'children']

function ordered(value: EntityJson, order: readonly string[]): EntityJson {
  const out: EntityJson = {}
  for (const key of order) if (value[key] !== undefined) out[key] = value[key]
  for (const [key, v] of Object.entries(value)) if (!(key in out) && v !== undefined) out[key] = v
  return out
}

/**
 * The entity with OpenMetadata's key order and without empty text: a patch that `add`s a key
 * appends it, and an emptied description is the same as none (OpenMetadata shows none either way).
 */
export function canonicalEntity(entity: EntityJson): EntityJson {
  const out = ordered(entity, entityOrder)
  for (const key of ['description', 'displayName']) if (out[key] === '' || out[key] === null) delete out[key]
  if (Array.isArray(out.columns)) {
    out.columns = out.columns.map((c) => {
      if (!isRecord(c)) return c
      const column = ordered(c, columnOrder)
      for (const key of ['description', 'displayName']) if (column[key] === '' || column[key] === null) delete column[key]
      return column
    })
  }
  return out
}

/** Fields OpenMetadata returns only when `fields` asks for them. */
const optionalFields: Readonly<Record<CatalogEntityType, readonly string[]>> = {
  database: ['owners', 'tags', 'followers', 'extension', 'domain', 'domains', 'dataProducts', 'votes', 'usageSummary', 'lifeCycle', 'databaseSchemas'],
  databaseSchema: ['owners', 'tags', 'followers', 'extension', 'domain', 'domains', 'dataProducts', 'votes', 'usageSummary', 'lifeCycle', 'tables'],
  table: ['columns', 'owners', 'tags', 'followers', 'extension', 'domain', 'domains', 'dataProducts', 'votes', 'usageSummary', 'lifeCycle', 'joins', 'tableConstraints'],
}

export function parseFields(fields: string | readonly string[] | undefined): Set<string> {
  if (fields === undefined) return new Set()
  const list = typeof fields === 'string' ? fields.split(',') : fields
  return new Set(list.map((f) => f.trim()).filter((f) => f.length > 0))
}

/**
 * The entity as GET returns it for `fields`: optional fields not asked for are left out, and
 * column tags come only with `tags`, as OpenMetadata's TableRepository does. Field names the
 * catalog does not know are accepted and ignored (OpenMetadata refuses them), so a client asking
 * for fields a real server has still works here.
 */
export function withFields(type: CatalogEntityType, entity: EntityJson, fields: Set<string>): EntityJson {
  const out: EntityJson = { ...entity }
  for (const field of optionalFields[type]) if (!fields.has(field)) delete out[field]
  if (fields.has('owners') && !Array.isArray(out.owners)) out.owners = []
  if (fields.has('tags') && !Array.isArray(out.tags)) out.tags = []
  if (Array.isArray(out.columns) && !fields.has('tags')) {
    out.columns = out.columns.map((c) => {
      if (!isRecord(c)) return c
      const { tags: _tags, ...rest } = c
      return rest
    })
  }
  return out
}
