import { buildFqn } from '../model/fqn.js'
import type { OmEntityReference, OmTagLabel } from '../openmetadata/om-types.js'
import { isRecord, textOrNull, type EntityJson } from './om-json.js'

export interface FieldChange {
  readonly name: string
  readonly oldValue?: unknown
  readonly newValue?: unknown
}

export interface ChangeDescription {
  readonly fieldsAdded: FieldChange[]
  readonly fieldsUpdated: FieldChange[]
  readonly fieldsDeleted: FieldChange[]
  readonly previousVersion: number
}

export interface EntityDiff {
  readonly fieldsAdded: FieldChange[]
  readonly fieldsUpdated: FieldChange[]
  readonly fieldsDeleted: FieldChange[]
  /** A column went away or changed type: OpenMetadata bumps the major version then. */
  readonly major: boolean
}

type Column = Record<string, unknown> & { name: string }

/**
 * The field changes between two versions of an entity, recorded as OpenMetadata's EntityUpdater
 * records them, in its order (description, displayName, owners, tags, deleted, then the table's
 * columns). Scalars go through recordChange: fieldsAdded when there was none, fieldsDeleted when
 * there is none left, fieldsUpdated otherwise, as plain values. Tags and owners go through
 * recordListChange: the added items as one JSON string in fieldsAdded, the removed ones in
 * fieldsDeleted. Column fields are named with FullyQualifiedName.build("columns", name, field),
 * which quotes a name holding a dot.
 */
export function diffEntities(before: EntityJson, after: EntityJson): EntityDiff {
  const diff = { fieldsAdded: [] as FieldChange[], fieldsUpdated: [] as FieldChange[], fieldsDeleted: [] as FieldChange[], major: false }
  recordChange(diff, 'description', textOrNull(before.description), textOrNull(after.description))
  recordChange(diff, 'displayName', textOrNull(before.displayName), textOrNull(after.displayName))
  recordListChange(diff, 'owners', refs(before.owners), refs(after.owners), ownerMatch)
  recordListChange(diff, 'tags', labels(before.tags), labels(after.tags), tagMatch)
  recordChange(diff, 'deleted', before.deleted === true, after.deleted === true)
  recordChange(diff, 'tableType', before.tableType ?? null, after.tableType ?? null)
  if (Array.isArray(before.columns) || Array.isArray(after.columns)) diffColumns(diff, columns(before.columns), columns(after.columns))
  return diff
}

export function isEmptyDiff(diff: EntityDiff): boolean {
  return diff.fieldsAdded.length + diff.fieldsUpdated.length + diff.fieldsDeleted.length === 0
}

/** The field name OpenMetadata gives a column's field: columns.<name>.<field>, the name quoted when it holds a dot. */
export function columnField(column: string, field: string): string {
  return buildFqn(['columns', column, field])
}

function recordChange(diff: EntityDiff, field: string, orig: unknown, updated: unknown): void {
  if (orig === updated) return
  if (orig === null) diff.fieldsAdded.push({ name: field, newValue: updated })
  else if (updated === null) diff.fieldsDeleted.push({ name: field, oldValue: orig })
  else diff.fieldsUpdated.push({ name: field, oldValue: orig, newValue: updated })
}

function recordListChange<T>(diff: EntityDiff, field: string, orig: readonly T[], updated: readonly T[], match: (a: T, b: T) => boolean): { added: T[]; deleted: T[] } {
  const deleted = orig.filter((o) => !updated.some((u) => match(u, o)))
  const added = updated.filter((u) => !orig.some((o) => match(o, u)))
  if (added.length > 0) diff.fieldsAdded.push({ name: field, newValue: JSON.stringify(added) })
  if (deleted.length > 0) diff.fieldsDeleted.push({ name: field, oldValue: JSON.stringify(deleted) })
  return { added, deleted }
}

/**
 * TableRepository.updateColumns: columns added or dropped (matched by name and data type) are one
 * list change of `columns`; a column on both sides has its description, displayName and tags
 * compared. A dropped column makes the change a major one.
 */
function diffColumns(diff: { -readonly [K in keyof EntityDiff]: EntityDiff[K] }, orig: readonly Column[], updated: readonly Column[]): void {
  const { deleted } = recordListChange(diff, 'columns', orig, updated, columnMatch)
  if (deleted.length > 0) diff.major = true
  for (const column of updated) {
    const stored = orig.find((o) => columnMatch(o, column))
    if (stored === undefined) continue
    recordChange(diff, columnField(stored.name, 'description'), textOrNull(stored.description), textOrNull(column.description))
    recordChange(diff, columnField(stored.name, 'displayName'), textOrNull(stored.displayName), textOrNull(column.displayName))
    recordListChange(diff, columnField(stored.name, 'tags'), labels(stored.tags), labels(column.tags), tagMatch)
  }
}

/** EntityUtil.tagLabelMatch: the same tag from the same source. */
const tagMatch = (a: OmTagLabel, b: OmTagLabel): boolean => a.tagFQN === b.tagFQN && (a.source ?? 'Classification') === (b.source ?? 'Classification')

/** EntityUtil.entityReferenceMatch: the same id and type; a reference without an id matches by name. */
const ownerMatch = (a: OmEntityReference, b: OmEntityReference): boolean =>
  a.type === b.type && (a.id && b.id ? a.id === b.id : a.name === b.name)

const columnMatch = (a: Column, b: Column): boolean => a.name === b.name && (a.dataType ?? null) === (b.dataType ?? null)

const labels = (value: unknown): OmTagLabel[] => (Array.isArray(value) ? (value.filter(isRecord) as unknown as OmTagLabel[]) : [])
const refs = (value: unknown): OmEntityReference[] => (Array.isArray(value) ? (value.filter(isRecord) as unknown as OmEntityReference[]) : [])
const columns = (value: unknown): Column[] => (Array.isArray(value) ? (value.filter((c) => isRecord(c) && typeof c.name === 'string') as Column[]) : [])
