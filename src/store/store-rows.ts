import type { ErrorReport, OperationReport } from '../engine/report.js'
import type { ChangeKind } from '../model/change.js'
import type { Operation } from '../model/operation.js'
import type { AuditEntry, RunRow, StoredOperation, StoredStatus } from './state-store.js'

/** node-pg returns bigint as text and PGlite as number; the contract says numbers. */
const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value))
const date = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)))

export interface OperationRow {
  id: string | number
  run_id: string | number
  key: string
  service: string
  seq: string | number
  payload: Operation
  status: StoredStatus
  attempts: number
  last_error: ErrorReport | null
  report: OperationReport | null
  run_at: Date | string
  locked_by: string | null
}

export const operationColumns = 'id, run_id, key, service, seq, payload, status, attempts, last_error, report, run_at, locked_by'

export function toStoredOperation(row: OperationRow): StoredOperation {
  return {
    id: num(row.id),
    runId: num(row.run_id),
    key: row.key,
    service: row.service,
    seq: num(row.seq),
    op: row.payload,
    status: row.status,
    attempts: num(row.attempts),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    runAt: date(row.run_at),
    ...(row.locked_by === null ? {} : { lockedBy: row.locked_by }),
    ...(row.report === null ? {} : { report: row.report }),
  }
}

export interface RunDbRow {
  id: string | number
  mode: RunRow['mode']
  note: string | null
  started_at: Date | string
  finished_at: Date | string | null
  counts: Record<string, number | string>
}

export function toRunRow(row: RunDbRow): RunRow {
  const counts: Record<string, number> = {}
  for (const [k, v] of Object.entries(row.counts ?? {})) counts[k] = num(v)
  return {
    id: num(row.id),
    mode: row.mode,
    startedAt: date(row.started_at),
    ...(row.finished_at === null ? {} : { finishedAt: date(row.finished_at) }),
    counts,
    ...(row.note === null ? {} : { note: row.note }),
  }
}

export interface AuditDbRow {
  operation_id: string | number
  run_id: string | number
  attempt: number
  service: string
  asset: string
  kind: ChangeKind
  statement: string
  before: string | null
  after: string | null
  before_known: boolean
  after_known: boolean
  outcome: AuditEntry['outcome']
  at: Date | string
}

export const auditColumns = `operation_id, run_id, attempt, service, asset, kind, statement,
  before #>> '{}' AS before, after #>> '{}' AS after, before IS NOT NULL AS before_known, after IS NOT NULL AS after_known, outcome, at`

export function toAuditEntry(row: AuditDbRow): AuditEntry {
  return {
    operationId: num(row.operation_id),
    runId: num(row.run_id),
    attempt: num(row.attempt),
    service: row.service,
    asset: row.asset,
    kind: row.kind,
    statement: row.statement,
    ...(row.before_known ? { before: row.before } : {}),
    ...(row.after_known ? { after: row.after } : {}),
    outcome: row.outcome,
    at: date(row.at),
  }
}

/** Audit values as JSON for json_to_recordset: `{ v }` keeps null (known absent) apart from missing. */
export function auditRecord(e: AuditEntry): Record<string, unknown> {
  return {
    operation_id: e.operationId,
    run_id: e.runId,
    attempt: e.attempt,
    service: e.service,
    asset: e.asset,
    kind: e.kind,
    statement: e.statement,
    before: e.before === undefined ? null : { v: e.before },
    after: e.after === undefined ? null : { v: e.after },
    outcome: e.outcome,
    at: e.at?.toISOString() ?? null,
  }
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
