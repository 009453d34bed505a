import type { ChangeEvent } from './change-event-schema.js'

/**
 * The common ChangeEvent, accepted without copying it: validating tens of thousands of events
 * with the schema copies every one (most of the normalizer's time and garbage). This accepts only
 * what changeEventSchema accepts and would return unchanged; anything else (a timestamp sent as a
 * string, a wrong type anywhere) returns undefined and goes through the schema, which also words
 * the error. test/unit/change-event-fast-path.test.ts holds the two to that.
 */
export function asPlainChangeEvent(raw: Record<string, unknown>): ChangeEvent | undefined {
  const ok =
    nonEmptyString(raw.eventType) &&
    nonEmptyString(raw.entityType) &&
    optionalString(raw.id) &&
    optionalString(raw.entityId) &&
    optionalString(raw.entityFullyQualifiedName) &&
    optionalString(raw.userName) &&
    optionalNumber(raw.timestamp) &&
    optionalNumber(raw.previousVersion) &&
    optionalNumber(raw.currentVersion) &&
    changeDescription(raw.changeDescription) &&
    changeDescription(raw.incrementalChangeDescription)
  return ok ? (raw as ChangeEvent) : undefined
}

const nonEmptyString = (v: unknown) => typeof v === 'string' && v.length > 0
const optionalString = (v: unknown) => v === undefined || v === null || typeof v === 'string'
const optionalNumber = (v: unknown) => v === undefined || v === null || (typeof v === 'number' && Number.isFinite(v))
const plainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function changeDescription(v: unknown): boolean {
  if (v === undefined || v === null) return true
  if (!plainObject(v)) return false
  return optionalNumber(v.previousVersion) && fieldChanges(v.fieldsAdded) && fieldChanges(v.fieldsUpdated) && fieldChanges(v.fieldsDeleted)
}

function fieldChanges(v: unknown): boolean {
  if (v === undefined || v === null) return true
  if (!Array.isArray(v)) return false
  for (const change of v) if (!plainObject(change) || !nonEmptyString(change.name)) return false
  return true
}
