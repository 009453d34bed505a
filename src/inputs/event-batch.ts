import { isRecord } from './input-errors.js'

/**
 * The events one body or document holds, in the forms OpenMetadata sends them: one ChangeEvent
 * (the generic webhook of 1.x), a plain array, or `{"data": [...]}` (the EventList of the 0.x
 * webhook publisher and the page of GET /api/v1/events, whose `paging` is left aside).
 */
export function eventsOfBody(value: unknown): unknown[] {
  if (Array.isArray(value)) return value
  if (isRecord(value) && isEventList(value)) return value.data
  return [value]
}

/** `{"data": [...]}` that is not itself an event: an event names its entityType and eventType. */
export function isEventList(value: Record<string, unknown>): value is { data: unknown[] } {
  return Array.isArray(value.data) && value.eventType === undefined && value.entityType === undefined
}
