import type { ErrorReport, OperationReport } from '../model/report.js'
import type { ChangeKind } from '../model/change.js'
import type { Operation } from '../model/operation.js'
import type { ChangeOrder } from '../model/order.js'

/**
 * pending: waiting to run (run_at may lie in the future after a retryable failure, with the
 * failure kept in lastError). running: claimed by a worker. applied / unchanged / unsupported /
 * skipped / superseded: settled (superseded: older than the value last applied to its asset, never sent). dead: a dead letter — a permanent failure, or retries exhausted; only
 * `replay` brings it back.
 */
export const storedStatuses = ['pending', 'running', 'applied', 'unchanged', 'unsupported', 'skipped', 'superseded', 'dead'] as const
export type StoredStatus = (typeof storedStatuses)[number]

export interface StoredOperation {
  readonly id: number
  readonly runId: number
  /** `<channel>|<asset fqn>|<kind>`: the unit of coalescing and of ordering. */
  readonly key: string
  readonly service: string
  /** Queue order; per key, a lower seq always settles before a higher one is claimed. */
  readonly seq: number
  readonly op: Operation
  readonly status: StoredStatus
  readonly attempts: number
  readonly lastError?: ErrorReport
  readonly runAt: Date
  readonly lockedBy?: string
  /** The last report of this operation (statements, current, desired, warnings). */
  readonly report?: OperationReport
}

export interface RunRow {
  readonly id: number
  readonly mode: 'apply' | 'rollback' | 'replay' | 'sync' | 'webhook' | 'poll'
  readonly startedAt: Date
  readonly finishedAt?: Date
  /** Counts by stored status, plus `total` and `verified`. */
  readonly counts: Record<string, number>
  readonly note?: string
}

/** One statement sent (or about to be sent) with the values around it, for audit and rollback. */
export interface AuditEntry {
  readonly operationId: number
  readonly runId: number
  readonly attempt: number
  readonly service: string
  readonly asset: string
  readonly kind: ChangeKind
  readonly statement: string
  /** The value read back before writing (null: none); undefined when not known. */
  readonly before?: string | null
  readonly after?: string | null
  /** sent: written before execution; applied / failed once known; recovered: found in place after a crash. */
  readonly outcome: 'sent' | 'applied' | 'failed' | 'recovered'
  readonly at?: Date
}

/** How one claimed operation ended in this attempt. */
export type Settlement = {
  readonly id: number
  readonly report: OperationReport
  /** The operation as claimed, when the caller has it: the store then keeps only what the report adds to it. */
  readonly op?: Operation
  /**
   * The orders of what was sent (see OrderMark): recorded, as a maximum, in the same transaction,
   * when the operation settles applied or unchanged (the database then holds those values).
   */
  readonly marks?: readonly OrderMark[]
} & (
  | { readonly status: 'applied' | 'unchanged' | 'unsupported' | 'skipped' | 'superseded' }
  | { readonly status: 'retry'; readonly error: ErrorReport; readonly runAt: Date }
  | { readonly status: 'dead'; readonly error: ErrorReport }
)

/**
 * Where an order is kept: per service, asset (FQN) and kind, and for tags and owners per item
 * (`source:tagFQN`, `type:name`); `item` is '' for a description.
 */
export interface OrderKey {
  readonly service: string
  readonly asset: string
  readonly kind: ChangeKind
  readonly item: string
}

export interface OrderMark extends OrderKey {
  readonly order: ChangeOrder
}

export interface ClaimOptions {
  readonly limit: number
  /** Only these services (a worker may serve a subset). */
  readonly services?: readonly string[]
  /** Per-service cap on operations running at once across all workers. */
  readonly maxRunningPerService?: Readonly<Record<string, number>>
}

/**
 * Durable state of revmeta: received events, the operation queue, runs, audit, poll cursors.
 * One schema on two stores (embedded SQLite, PostgreSQL), migrated at open. Every method is one
 * transaction; writers of the queue take turns (SqlRunner.serialize), so several workers, in any
 * processes, never take the same operation, and never an operation whose key has an earlier one
 * unsettled.
 */
export interface StateStore {
  /** Returns the ids that were not seen before; duplicates (OpenMetadata redelivery) are dropped. */
  recordEvents(events: readonly { id: string; source: string; payload: unknown }[]): Promise<Set<string>>
  /**
   * Records events and queues, in a run of its own, what `plan` makes of the ones not seen before:
   * one transaction, so a crash leaves both or neither (a redelivery is then never dropped as
   * seen while nothing was queued for it). No run is made when nothing is queued.
   */
  intake<T extends { readonly operations: readonly Operation[] }>(
    mode: RunRow['mode'],
    events: readonly { id: string; source: string; payload: unknown }[],
    plan: (fresh: ReadonlySet<string>) => T,
  ): Promise<{ fresh: Set<string>; planned: T; runId?: number }>
  createRun(mode: RunRow['mode'], note?: string): Promise<number>
  /** Recomputes the run's counts from its operations and stamps finishedAt. */
  finishRun(runId: number): Promise<RunRow>
  getRun(runId: number): Promise<RunRow | undefined>
  listRuns(limit: number): Promise<RunRow[]>
  /**
   * Queues operations for a run. An operation whose key already has a *pending* (not running)
   * operation replaces that one's desired state (coalescing) and moves to this run; returns counts.
   * Newer means newer by change order (model/order.ts), not queued later: an older description
   * queued after a newer one leaves the newer value. Tag and owner lists merge item by item (the
   * newer verdict on an item wins, by each item's own order), origins add up.
   * A pending operation that was already attempted (waiting for a retry, or reclaimed) is not
   * coalesced into: it keeps its place and the newer operation queues behind it.
   */
  enqueue(runId: number, ops: readonly Operation[]): Promise<{ inserted: number; coalesced: number }>
  /** Takes up to `limit` claimable operations (pending, run_at due, no earlier unsettled op of the same key), in the order they came due (run_at), then oldest seq first: a retry does not jump ahead of work queued while it waited. */
  claim(workerId: string, options: ClaimOptions): Promise<StoredOperation[]>
  /**
   * Settles claimed operations in one transaction; ignores ids no longer locked by this worker.
   * Audit rows still `sent` follow: applied → this attempt's rows `applied`, earlier attempts'
   * rows `failed`; unchanged while earlier `sent` rows exist → the newest attempt's rows
   * `recovered` (older ones `failed`) and the operation stored as `applied` and verified (its
   * effect landed before a crash or a lost connection, and is not recorded twice); retry → this
   * attempt's rows `failed`, unless it lost its connection (`CONNECTION_FAILED`): then they stay
   * `sent`, since they may have landed; dead → this attempt's rows `failed`; unsupported /
   * skipped / superseded → remaining `sent` rows `failed`. Applied and unchanged settlements
   * record their `marks` (the order of what the database now holds) as a maximum, in the same
   * transaction. An attempt is a (run, attempt) pair: replay
   * counts attempts from 1 again in its own run. Returns the ids it settled.
   */
  settle(workerId: string, settlements: readonly Settlement[]): Promise<number[]>
  /**
   * The order of the last value applied for each key that has one, keyed by orderKeyString.
   * Read by the worker before it sends a batch (see Worker: superseded operations).
   */
  orders(keys: readonly OrderKey[]): Promise<Map<string, ChangeOrder>>
  /** Puts operations locked longer than `leaseMs` (their worker died) back to pending. Returns how many. */
  reclaimExpired(leaseMs: number): Promise<number>
  /**
   * Puts back to pending, whatever their lease, the running operations of the workers `gone`
   * says are known to have stopped (a process of this host that no longer exists): the next
   * apply after a kill -9 resumes its work at once. Returns how many.
   */
  reclaimAbandoned(gone: (workerId: string) => boolean): Promise<number>
  /**
   * Keeps a worker's locks fresh while it works on a long batch: only `ids` when given, so what
   * the worker gave up on (a settle that failed) is left to expire and be reclaimed.
   */
  heartbeat(workerId: string, ids?: readonly number[]): Promise<void>
  /**
   * Finishes runs that no process will finish: unfinished, started more than `olderThanMs` ago,
   * with nothing pending or running. A run with no operations at all (its process stopped before
   * it queued anything) gets a note saying so. Returns their ids.
   */
  closeAbandonedRuns(olderThanMs: number): Promise<number[]>
  operations(filter: { runId?: number; status?: StoredStatus; ids?: readonly number[] }): Promise<StoredOperation[]>
  /** A run's operations in queue order, status and attempts only: what changed since they were read or settled. */
  statuses(runId: number): Promise<{ id: number; status: StoredStatus; attempts: number }[]>
  /** Counts unsettled (pending or running) operations, for one run or all. */
  unsettled(runId?: number): Promise<number>
  /**
   * Moves dead letters back to pending with attempts reset, into `runId`. Returns how many. A dead
   * letter whose key has a newer operation stays dead: replaying it would land an older change
   * after a newer one.
   */
  replay(runId: number, ids?: readonly number[]): Promise<number>
  /** Written before the statements are sent (outcome `sent`), so a crash leaves a trace. */
  recordAudit(entries: readonly AuditEntry[]): Promise<void>
  audit(filter: { runId?: number; operationId?: number }): Promise<AuditEntry[]>
  getCursor(name: string): Promise<string | undefined>
  setCursor(name: string, value: string): Promise<void>
  close(): Promise<void>
}

/** One string per order key, for maps. */
export function orderKeyString(key: OrderKey): string {
  return JSON.stringify([key.service, key.asset, key.kind, key.item])
}
