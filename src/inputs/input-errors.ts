import { RevmetaError, toRevmetaError } from '../errors/revmeta-error.js'

/** Errors of the input normalizers: every one names the item (event or operation), its id and the field. */

export function malformed(field: string, message: string, cause?: unknown): RevmetaError {
  return new RevmetaError('INPUT_MALFORMED', message, { details: { field }, cause })
}

/** Runs `fn`, naming `field` in any error that does not name one yet. */
export function atField<T>(field: string, fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    const coded = toRevmetaError(error)
    if (coded.details.field !== undefined) throw coded
    throw new RevmetaError(coded.code, coded.message, { details: { ...coded.details, field }, cause: coded.cause ?? error })
  }
}

/** Prefixes the message with where the problem is, e.g. `Event 3 (id 9f…), field tags: …`, keeping the code. */
export function locateError(error: unknown, item: 'Event' | 'Operation' | 'Pipeline', index: number, id: string | undefined): RevmetaError {
  const coded = toRevmetaError(error)
  const field = typeof coded.details.field === 'string' && coded.details.field.length > 0 ? coded.details.field : undefined
  const where = `${item} ${index}${id === undefined ? '' : ` (id ${id})`}${field === undefined ? '' : `, field ${field}`}`
  return new RevmetaError(coded.code, `${where}: ${coded.message}`, {
    details: { ...coded.details, index, eventId: id, field },
    cause: coded.cause ?? error,
  })
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function idOf(raw: unknown): string | undefined {
  return isRecord(raw) && typeof raw.id === 'string' ? raw.id : undefined
}
