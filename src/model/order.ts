/**
 * A change's place in its source's history: OpenMetadata's entity version (0.1, 0.2, 1.0, ...),
 * then the event's time in epoch milliseconds. Either may be missing: a pipeline operation has
 * neither, a rollback on purpose has none.
 */
export interface ChangeOrder {
  readonly version?: number
  readonly timestamp?: number
}

/**
 * True when `a` is older than `b`: versions decide when both have one and they differ; otherwise
 * (equal, or missing on either side) timestamps decide when both have one. Equal is not older, and
 * a missing order is never older: two channels applying the same change both run, and a change
 * that says nothing of its place is never dropped for it. migration 0006 (order_older) holds the
 * same rule in SQL; test/store/order-sql.test.ts holds the two together.
 */
export function isOlder(a: ChangeOrder | undefined, b: ChangeOrder | undefined): boolean {
  if (a === undefined || b === undefined) return false
  if (a.version !== undefined && b.version !== undefined && a.version !== b.version) return a.version < b.version
  return a.timestamp !== undefined && b.timestamp !== undefined && a.timestamp < b.timestamp
}

/**
 * The newer of two orders, for recording "the order of the last value applied" as a maximum: the
 * newer one whole when they compare; otherwise (equal, or neither older) each field's maximum, so
 * the result is never older than either. Undefined only when both are.
 */
export function newerOrder(a: ChangeOrder | undefined, b: ChangeOrder | undefined): ChangeOrder | undefined {
  if (a === undefined || isEmptyOrder(a)) return b === undefined || isEmptyOrder(b) ? undefined : b
  if (b === undefined || isEmptyOrder(b)) return a
  if (isOlder(a, b)) return b
  if (isOlder(b, a)) return a
  const version = maxOf(a.version, b.version)
  const timestamp = maxOf(a.timestamp, b.timestamp)
  return { ...(version === undefined ? {} : { version }), ...(timestamp === undefined ? {} : { timestamp }) }
}

export function isEmptyOrder(order: ChangeOrder): boolean {
  return order.version === undefined && order.timestamp === undefined
}

/** The order a change's origin carries; undefined when it carries none. */
export function orderOf(origin: { readonly version?: number; readonly timestamp?: number }): ChangeOrder | undefined {
  // Written out, not spread: the planner asks this of every change.
  const { version, timestamp } = origin
  if (version === undefined) return timestamp === undefined ? undefined : { timestamp }
  return timestamp === undefined ? { version } : { version, timestamp }
}

/** For reports and warnings: `version 1.5, 2024-05-01T10:00:00.000Z`. */
export function describeOrder(order: ChangeOrder): string {
  const parts: string[] = []
  if (order.version !== undefined) parts.push(`version ${order.version}`)
  if (order.timestamp !== undefined) parts.push(Number.isFinite(order.timestamp) && Math.abs(order.timestamp) < 8.64e15 ? new Date(order.timestamp).toISOString() : `time ${order.timestamp}`)
  return parts.join(', ')
}

const maxOf = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.max(a, b))
