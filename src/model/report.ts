import type { ErrorDetails, RevmetaError } from '../errors/revmeta-error.js'
import type { ErrorCode } from '../errors/codes.js'
import type { ChangeKind } from './change.js'
import type { Level } from './asset.js'
import type { ChangeOrder } from './order.js'
import type { Statement } from './statement.js'

/**
 * planned: would be sent (plan only). applied: sent and succeeded. unchanged: already in place,
 * nothing sent. unsupported: the engine cannot hold it, nothing sent. skipped: nothing left to
 * write after the channel's mapping (see warnings). queued: failed for a reason that may pass
 * (lock timeout, connection) and waits in the durable queue for a later attempt. failed: a dead
 * letter, see `error`. superseded: older (by version, then time) than the value the store last
 * applied to the same asset and kind, never sent; `supersededBy` says by what. Not a failure.
 */
export const operationStatuses = ['planned', 'applied', 'unchanged', 'unsupported', 'skipped', 'superseded', 'queued', 'failed'] as const
export type OperationStatus = (typeof operationStatuses)[number]

export interface ErrorReport {
  readonly code: ErrorCode
  readonly message: string
  readonly retryable: boolean
  readonly details?: ErrorDetails
}

export interface OperationReport {
  readonly id: string
  readonly channel: string
  readonly service: string
  /** Fully qualified name, as OpenMetadata writes it. */
  readonly asset: string
  readonly level: Level
  readonly kind: ChangeKind
  status: OperationStatus
  /**
   * What was sent, or would be, as a person reads it (displayOf: the SQL text, or `METHOD path`
   * and the compact JSON body): the form `--json`, the UI and the audit show.
   */
  statements: string[]
  /**
   * The same statements, structured (SQL with its database; API requests with endpoint, method,
   * path and body), in the same order. Absent on reports stored before it existed.
   */
  statementDetails?: Statement[]
  /** What the catalog wants, in the engine's terms (description text, owning role). */
  desired?: string | null
  /** What the source held before, when read back. */
  current?: string | null
  /** True once the value read back after writing equals the value written; false when that read-back failed. */
  verified?: boolean
  error?: ErrorReport
  /** The change order this operation carries (version, then time), when its changes had one. */
  order?: ChangeOrder
  /** Set when superseded: the order of the value already applied that is newer than this one. */
  supersededBy?: ChangeOrder
  warnings: string[]
  /** The events (or pipeline operations) this operation stands for. */
  readonly origins: { index: number; eventId?: string; user?: string }[]
}

export interface RunReport {
  readonly mode: 'plan' | 'apply' | 'rollback' | 'replay' | 'sync'
  /** The durable run this report belongs to (`revmeta runs`). */
  readonly runId?: number
  /** About the configuration, e.g. overlapping channels that act differently. */
  readonly warnings: readonly string[]
  readonly summary: Record<string, number>
  readonly operations: OperationReport[]
  readonly input: {
    readonly items: number
    readonly changes: number
    readonly ignored: Record<string, number>
    readonly errors: ErrorReport[]
  }
}

export function errorReport(error: RevmetaError): ErrorReport {
  const json = error.toJSON()
  return json.details ? { code: json.code, message: json.message, retryable: json.retryable, details: json.details } : { code: json.code, message: json.message, retryable: json.retryable }
}

export function summarize(operations: readonly OperationReport[], inputErrors: number): Record<string, number> {
  const summary: Record<string, number> = { total: operations.length }
  for (const status of operationStatuses) summary[status] = 0
  for (const op of operations) summary[op.status] = (summary[op.status] ?? 0) + 1
  summary.verified = operations.filter((o) => o.verified === true).length
  summary.rejectedInput = inputErrors
  return summary
}
