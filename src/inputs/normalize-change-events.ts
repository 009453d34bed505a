import type { AssetRef } from '../model/asset.js'
import { assetFromEntity, isReverseEntityType } from '../model/asset-from-fqn.js'
import { spelledColumnAsset } from '../model/column-readings.js'
import { isRevmetaError, type RevmetaError } from '../errors/revmeta-error.js'
import { EntityColumns, entityRecord } from './entity-columns.js'
import type { Change, ChangeOrigin } from '../model/change.js'
import { parseFqn } from '../model/fqn.js'
import { ChangeAccumulator } from './change-accumulator.js'
import { asPlainChangeEvent } from './change-event-fast-path.js'
import { changeEventSchema, type ChangeDescription, type ChangeEvent, type FieldChange } from './change-event-schema.js'
import { atField, idOf, isRecord, locateError, malformed } from './input-errors.js'
import { diffByKey, ownerKey, parseOwnerRefs, parseTagLabels, tagKey } from './label-values.js'
import { countIgnored, emptyNormalizeResult, type NormalizeResult } from './normalize-result.js'

/** Event types whose change description holds edits; deletions and restores carry nothing to push. */
const editEventTypes = new Set(['entityUpdated', 'entityFieldsChanged', 'entityCreated'])

type FieldKind = 'description' | 'tags' | 'owners' | 'owner'
type ListName = 'fieldsAdded' | 'fieldsUpdated' | 'fieldsDeleted'
type Route = { asset: AssetRef; kind: FieldKind } | { ignore: string }

/**
 * Turns OpenMetadata ChangeEvents into Changes. Never throws: a malformed event becomes one
 * error naming its index, id and field, and the other events still produce their changes.
 */
export function normalizeChangeEvents(events: readonly unknown[], options: { startIndex?: number } = {}): NormalizeResult {
  const result = emptyNormalizeResult()
  const start = options.startIndex ?? 0
  events.forEach((raw, i) => normalizeChangeEventInto(result, raw, start + i))
  return result
}

/** normalizeChangeEvents for one event at `index`, added to `result`: for readers that normalize each event as it is parsed. */
export function normalizeChangeEventInto(result: NormalizeResult, raw: unknown, index: number): void {
  try {
    const outcome = normalizeEvent(raw, index)
    result.changes.push(...outcome.changes)
    for (const reason of outcome.ignored) countIgnored(result, reason)
    for (const error of outcome.errors) result.errors.push(locateError(error, 'Event', index, idOf(raw)))
  } catch (error) {
    result.errors.push(locateError(error, 'Event', index, idOf(raw)))
  }
}

interface EventOutcome {
  changes: Change[]
  ignored: string[]
  /** Changes of the event that failed alone (an ambiguous column); the event's other changes go on. */
  errors: RevmetaError[]
}

/** Errors that belong to one field change, not to the whole event. */
const perChangeCodes = new Set(['COLUMN_AMBIGUOUS'])

function normalizeEvent(raw: unknown, index: number): EventOutcome {
  if (!isRecord(raw)) throw malformed('', 'the event is not a JSON object')
  // OpenMetadata's "test connection" post to a webhook.
  if (raw.entityType === undefined && typeof raw.message === 'string') return { changes: [], ignored: ['testMessage'], errors: [] }
  if (typeof raw.entityType !== 'string' || raw.entityType.length === 0) throw malformed('entityType', 'entityType is missing or not a string')
  if (!isReverseEntityType(raw.entityType)) return { changes: [], ignored: [`entityType:${raw.entityType}`], errors: [] }
  if (typeof raw.eventType !== 'string' || raw.eventType.length === 0) throw malformed('eventType', 'eventType is missing or not a string')
  if (!editEventTypes.has(raw.eventType)) return { changes: [], ignored: [`eventType:${raw.eventType}`], errors: [] }

  const event = asPlainChangeEvent(raw) ?? parseChangeEvent(raw)
  const entityJson = event.entity === undefined ? undefined : entityRecord(event.entity)
  const fqn = event.entityFullyQualifiedName ?? entityFqn(entityJson)
  if (fqn === undefined) throw malformed('entityFullyQualifiedName', 'entityFullyQualifiedName is missing')
  const entity = atField('entityFullyQualifiedName', () => assetFromEntity(event.entityType, fqn) as AssetRef)

  const description = pickDescription(event)
  if (description === undefined) {
    return { changes: [], ignored: [event.eventType === 'entityCreated' ? 'eventType:entityCreated' : 'noFieldChanges'], errors: [] }
  }
  const accumulator = new ChangeAccumulator(originOf(event, index))
  const ignored: string[] = []
  const errors: RevmetaError[] = []
  const columns = entity.level === 'table' ? EntityColumns.of(entityJson) : undefined
  for (const list of ['fieldsAdded', 'fieldsUpdated', 'fieldsDeleted'] as const) {
    for (const fieldChange of description[list] ?? []) {
      try {
        const route = atField(fieldChange.name, () => routeField(fieldChange.name, entity, columns))
        if ('ignore' in route) ignored.push(route.ignore)
        else atField(fieldChange.name, () => applyField(accumulator, route, list, fieldChange))
      } catch (error) {
        if (!isRevmetaError(error) || !perChangeCodes.has(error.code)) throw error
        errors.push(error)
      }
    }
  }
  const built = accumulator.build()
  return { changes: built.changes, ignored: [...ignored, ...built.empty.map((kind) => `noEffect:${kind}`)], errors }
}

/** Validates with the schema, for its exact error and its conversions (a timestamp sent as a string). */
function parseChangeEvent(raw: unknown): ChangeEvent {
  const parsed = changeEventSchema.safeParse(raw)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  throw malformed(issue?.path.join('.') ?? '', issue?.message ?? 'the event does not match the ChangeEvent schema')
}

function routeField(name: string, entity: AssetRef, columns: EntityColumns | undefined): Route {
  if (name === 'description' || name === 'tags' || name === 'owners' || name === 'owner') return { asset: entity, kind: name }
  if (entity.level !== 'table' || (name !== 'columns' && !name.startsWith('columns.'))) return { ignore: `field:${name}` }
  let parts: string[]
  try {
    parts = parseFqn(name)
  } catch (error) {
    throw malformed(name, `the field name ${JSON.stringify(name)} cannot be split into column and field: ${(error as Error).message}`, error)
  }
  const last = parts[parts.length - 1] as string
  if (parts.length >= 3 && (last === 'description' || last === 'tags')) {
    // Unquoted dots between `columns` and the field: a dotted name (tag fields) or a nested path.
    const spelled = spelledColumnAsset(entity, parts.slice(1, -1))
    return { asset: columns === undefined ? spelled : columns.resolve(spelled), kind: last }
  }
  // Counted by shape, not by column name, so the counts stay few.
  if (parts.length === 1) return { ignore: 'field:columns' }
  if (parts.length === 2) return { ignore: 'field:columns.*' }
  return { ignore: `field:columns${'.*'.repeat(parts.length - 2)}.${last}` }
}

function applyField(accumulator: ChangeAccumulator, route: { asset: AssetRef; kind: FieldKind }, list: ListName, change: FieldChange): void {
  const { asset, kind } = route
  const field = change.name
  // An added or updated field without its new value says nothing about the value: read as "now
  // empty" it would wipe the comment (or every tag), so the event is malformed instead.
  if (list !== 'fieldsDeleted' && (change.newValue === undefined || (change.newValue === null && kind === 'description'))) {
    throw malformed(field, `a ${list} entry for ${field} has no newValue; the event is malformed (a removal comes in fieldsDeleted)`)
  }
  if (kind === 'description') {
    const after = list === 'fieldsDeleted' ? null : descriptionValue(change.newValue, field, 'newValue')
    // fieldsAdded means there was no description before; otherwise trust oldValue only when sent.
    const before = list === 'fieldsAdded' ? null : change.oldValue === undefined ? undefined : descriptionValue(change.oldValue, field, 'oldValue')
    accumulator.description(asset, after, before, list === 'fieldsDeleted')
    return
  }
  if (kind === 'tags') {
    const delta = listDelta(list, change, parseTagLabels, tagKey)
    accumulator.tags(asset, delta.added, delta.removed)
  } else {
    // The legacy `owner` holds one reference; parseOwnerRefs reads it as a list of one.
    const delta = listDelta(list, change, parseOwnerRefs, ownerKey)
    accumulator.owners(asset, delta.added, delta.removed)
  }
}

/** fieldsAdded lists the added items, fieldsDeleted the removed ones, fieldsUpdated the whole list before and after. */
function listDelta<T>(list: ListName, change: FieldChange, parse: (value: unknown, field: string) => T[], key: (item: T) => string): { added: T[]; removed: T[] } {
  if (list === 'fieldsAdded') return { added: parse(change.newValue, change.name), removed: [] }
  if (list === 'fieldsDeleted') return { added: [], removed: parse(change.oldValue, change.name) }
  return diffByKey(parse(change.oldValue, change.name), parse(change.newValue, change.name), key)
}

function descriptionValue(value: unknown, field: string, side: string): string | null {
  if (value === null || value === undefined) return null
  if (typeof value !== 'string') throw malformed(field, `${side} of a description must be a string, not ${typeof value}`)
  return value
}

/** The incremental description holds only this edit; the consolidated one may repeat earlier edits by the same user. */
function pickDescription(event: ChangeEvent): ChangeDescription | undefined {
  const hasFields = (d: ChangeDescription | null | undefined): d is ChangeDescription =>
    d != null && (d.fieldsAdded?.length ?? 0) + (d.fieldsUpdated?.length ?? 0) + (d.fieldsDeleted?.length ?? 0) > 0
  if (hasFields(event.incrementalChangeDescription)) return event.incrementalChangeDescription
  if (hasFields(event.changeDescription)) return event.changeDescription
  return undefined
}

function originOf(event: ChangeEvent, index: number): ChangeOrigin {
  const origin: { -readonly [K in keyof ChangeOrigin]: ChangeOrigin[K] } = { source: 'event', index }
  if (event.id != null) origin.eventId = event.id
  if (event.userName != null) origin.user = event.userName
  if (event.timestamp != null) origin.timestamp = event.timestamp
  if (event.currentVersion != null) origin.version = event.currentVersion
  return origin
}

function entityFqn(entity: Record<string, unknown> | undefined): string | undefined {
  return typeof entity?.fullyQualifiedName === 'string' ? entity.fullyQualifiedName : undefined
}
