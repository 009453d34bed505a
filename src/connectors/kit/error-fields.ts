/**
 * Reading fields off whatever a driver threw, which is rarely typed: an Error with extra fields,
 * a plain object, or an AggregateError (Node's failed connect to several addresses, localhost's
 * ::1 and 127.0.0.1, whose first inner error says what happened).
 */
export interface ThrownRecord {
  readonly record: Record<string, unknown>
  /** The first inner error of an AggregateError. */
  readonly inner?: Record<string, unknown>
  /** The `cause` the driver chained, when it is an object. */
  readonly cause?: Record<string, unknown>
}

/** The thrown value as records to read from; undefined for a thrown primitive. */
export function thrownRecord(error: unknown): ThrownRecord | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const record = error as Record<string, unknown>
  const inner = error instanceof AggregateError && error.errors.length > 0 ? (error.errors[0] as Record<string, unknown>) : undefined
  const cause = typeof record.cause === 'object' && record.cause !== null ? (record.cause as Record<string, unknown>) : undefined
  return { record, inner, cause }
}

export function stringField(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = record?.[key]
  return typeof value === 'string' ? value : undefined
}

/** The message of anything thrown, however it was thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  return stringField(thrownRecord(error)?.record, 'message') ?? String(error)
}
