import jsonPatch from 'fast-json-patch'
import { badRequest } from './catalog-error.js'
import type { LabelResolver } from './label-resolver.js'
import { clone, isRecord, jsonEqual, type CatalogEntityType, type EntityJson } from './om-json.js'

/** What makes an entity what it is: a patch may not touch these (OpenMetadata renames through its own endpoint). */
const immutable = [
  'id', 'name', 'fullyQualifiedName', 'service', 'serviceType', 'database', 'databaseSchema', 'version', 'updatedAt', 'updatedBy',
  'href', 'deleted', 'changeDescription', 'incrementalChangeDescription', 'tableType',
]

/** What a catalog user edits; anything else is refused rather than stored unrecorded. */
const editable: Readonly<Record<CatalogEntityType, readonly string[]>> = {
  database: ['description', 'displayName', 'owners', 'tags'],
  databaseSchema: ['description', 'displayName', 'owners', 'tags'],
  table: ['description', 'displayName', 'owners', 'tags', 'columns'],
}

const editableColumnFields = ['description', 'displayName', 'tags']

/**
 * Applies an RFC 6902 patch to the entity as GET with every field returns it, then checks the
 * result: identity and references unchanged, only editable fields changed, columns neither added,
 * removed, renamed nor reordered, every tag a known Classification tag and every owner a known
 * user or team (filled in as stored references). Returns the entity to store.
 */
export async function patchEntityJson(type: CatalogEntityType, original: EntityJson, patch: unknown, labels: LabelResolver): Promise<EntityJson> {
  if (!Array.isArray(patch)) throw badRequest('A PATCH body is a JSON Patch document: a JSON array of operations (application/json-patch+json)')
  let patched: unknown
  try {
    patched = jsonPatch.applyPatch(clone(original), patch as jsonPatch.Operation[], true, true, true).newDocument
  } catch (error) {
    if (error instanceof jsonPatch.JsonPatchError) throw badRequest(`Invalid JSON Patch: ${firstLine(error.message)} (${error.name}${error.index === undefined ? '' : ` at operation ${error.index}`})`)
    throw error
  }
  if (!isRecord(patched)) throw badRequest('The patched entity is not a JSON object')
  for (const key of immutable) {
    if (!jsonEqual(original[key], patched[key])) throw badRequest(`${key} of a ${type} cannot be changed`)
  }
  const allowed = editable[type]
  for (const key of new Set([...Object.keys(original), ...Object.keys(patched)])) {
    if (immutable.includes(key) || allowed.includes(key)) continue
    if (!jsonEqual(original[key], patched[key])) throw badRequest(`${key} of a ${type} cannot be changed in the built-in catalog; editable: ${allowed.join(', ')}`)
  }
  const out: EntityJson = { ...patched }
  for (const key of ['description', 'displayName']) out[key] = text(patched[key], key)
  out.tags = await labels.tags(patched.tags, 'tags')
  out.owners = await labels.owners(patched.owners)
  if (type === 'table') out.columns = await patchedColumns(original.columns, patched.columns, labels)
  return out
}

async function patchedColumns(before: unknown, after: unknown, labels: LabelResolver): Promise<unknown[]> {
  const orig = Array.isArray(before) ? before : []
  if (!Array.isArray(after)) throw badRequest('columns must stay a list')
  if (after.length !== orig.length) throw badRequest('Columns cannot be added or removed through the catalog API: they come from the source by ingestion')
  const out: unknown[] = []
  for (const [i, column] of after.entries()) {
    const stored = orig[i] as Record<string, unknown>
    if (!isRecord(column)) throw badRequest(`columns[${i}] is not a column`)
    if (column.name !== stored.name) throw badRequest(`columns[${i}]: columns cannot be renamed or reordered (expected ${JSON.stringify(stored.name)}, found ${JSON.stringify(column.name)})`)
    for (const key of new Set([...Object.keys(stored), ...Object.keys(column)])) {
      if (!editableColumnFields.includes(key) && !jsonEqual(stored[key], column[key])) {
        throw badRequest(`columns[${i}].${key} (column ${String(stored.name)}) cannot be changed; editable: ${editableColumnFields.join(', ')}`)
      }
    }
    out.push({
      ...column,
      description: text(column.description, `columns[${i}].description`),
      displayName: text(column.displayName, `columns[${i}].displayName`),
      tags: await labels.tags(column.tags, `columns[${i}].tags`),
    })
  }
  return out
}

function text(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') throw badRequest(`${field} must be a string`)
  return value
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message
}
