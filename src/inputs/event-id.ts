import { createHash } from 'node:crypto'

/** OpenMetadata's event id, or a digest of the event when it has none (hand-written files). */
export function eventId(payload: unknown): string {
  const id = (payload as { id?: unknown } | null)?.id
  return typeof id === 'string' && id.length > 0 ? id : `sha256:${createHash('sha256').update(JSON.stringify(payload) ?? '').digest('hex')}`
}
