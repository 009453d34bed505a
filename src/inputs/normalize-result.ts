import type { RevmetaError } from '../errors/revmeta-error.js'
import type { Change } from '../model/change.js'

/** What normalizing a batch of catalog input produced: changes, what was skipped and why, and what was wrong. */
export interface NormalizeResult {
  /** In input order; within one event, in the order its fields first appear. */
  changes: Change[]
  /** Counts by reason, e.g. `entityType:dashboard`, `field:displayName`, `eventType:entityDeleted`. */
  ignored: Record<string, number>
  /** One per malformed event or operation (INPUT_MALFORMED, FQN_*, ENTITY_LINK_INVALID); details name index, eventId, field. */
  errors: RevmetaError[]
  /** Pipeline operations read, when the input was a pipeline (however it was wrapped). */
  items?: number
  /** Custom SQL templates of pipeline operations, by operation index. */
  templates?: Record<number, string>
}

export function emptyNormalizeResult(): NormalizeResult {
  return { changes: [], ignored: {}, errors: [] }
}

export function countIgnored(result: NormalizeResult, reason: string): void {
  result.ignored[reason] = (result.ignored[reason] ?? 0) + 1
}
