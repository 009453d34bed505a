import type { ErrorReport, OperationReport } from '../model/report.js'
import type { ChangeKind } from '../model/change.js'
import type { Operation } from '../model/operation.js'
import { displayOf } from '../model/statement.js'
import type { AuditEntry, RunRow, StoredOperation, StoredStatus } from './state-store.js'
import { decodeStoreText, encodeStoreJson, encodeStoreText } from './store-text.js'

/** node-pg returns bigint as text and PGlite as number; the contract says numbers. */
const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value))
const date = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)))

const operationColumns = ['id', 'run_id', 'key', 'service', 'seq', 'payload', 'status', 'attempts', 'last_error', 'report', 'run_at', 'locked_by'] as const

/**
 * An operation row as one JSON array (the columns above, in order), for row alias `a`. PGlite
 * converts every field of a result on its own, and a dozen fields per row cost more than the
 * claim's own work; one JSON value per row, or per page of rows, parses natively.
 */
export const operationJson = (a: string) => `json_build_array(${operationColumns.map((c) => `${a}.${c}`).join(', ')})`

/** A row of operationJson as the store hands it out (read back at the end of every run: kept lean). */
export function fromOperationJson(v: readonly unknown[]): StoredOperation {
  const op = v[5] as Operation
  const stored: { -readonly [K in keyof StoredOperation]: StoredOperation[K] } = {
    id: num(v[0]),
    runId: num(v[1]),
    key: v[2] as string,
    service: v[3] as string,
    seq: num(v[4]),
    op,
    status: v[6] as StoredStatus,
    attempts: num(v[7]),
    runAt: date(v[10]),
  }
  if (v[8] !== null) stored.lastError = v[8] as ErrorReport
  if (v[11] !== null) stored.lockedBy = v[11] as string
  if (v[9] !== null) stored.report = expandReport(v[9] as StoredReport, op)
  return stored
}

/**
 * A report stores only what its operation does not already say: identity (id, channel, service,
 * asset, level, kind) and origins are the operation's in all but odd cases, and were about half
 * of every settled row. Fields that differ from the operation's are kept, so expanding always
 * gives back the report that was settled.
 */
type StoredReport = Partial<OperationReport>

/** The asset's FQN as the operation id holds it (`<channel>|<asset fqn>|<kind>`), when it does. */
function assetOf(op: Operation): string | undefined {
  const { id, channel, kind } = op
  if (!id.startsWith(`${channel}|`) || !id.endsWith(`|${kind}`) || id.length < channel.length + kind.length + 2) return undefined
  return id.slice(channel.length + 1, id.length - kind.length - 1)
}

/** As reports list them: what the JSON of a report would give back (no undefined fields). */
function originsOf(op: Operation): OperationReport['origins'] {
  return op.origins.map((o) => {
    const origin: OperationReport['origins'][number] = { index: o.index }
    if (o.eventId !== undefined) origin.eventId = o.eventId
    if (o.user !== undefined) origin.user = o.user
    return origin
  })
}

function sameOrigins(report: OperationReport['origins'], op: Operation): boolean {
  return report.length === op.origins.length && report.every((x, i) => x.index === op.origins[i]!.index && x.eventId === op.origins[i]!.eventId && x.user === op.origins[i]!.user)
}

/** The display texts are the structured statements' own: stored once, as structured statements. */
function impliedStatements(report: OperationReport): string[] | undefined {
  const details = report.statementDetails
  if (details === undefined || details.length !== report.statements.length) return undefined
  return details.every((d, i) => displayOf(d) === report.statements[i]) ? report.statements : undefined
}

export function compactReport(report: OperationReport, op: Operation | undefined): StoredReport {
  if (op === undefined) return report
  const out: Record<string, unknown> = {}
  for (const key in report) {
    const value = report[key as keyof OperationReport]
    if (value === undefined) continue
    const implied =
      key === 'statements' ? impliedStatements(report)
      : key === 'id' ? op.id
      : key === 'channel' ? op.channel
      : key === 'service' ? op.service
      : key === 'asset' ? assetOf(op)
      : key === 'level' ? op.asset.level
      : key === 'kind' ? op.kind
      : undefined
    if (implied !== undefined ? value === implied : key === 'origins' && sameOrigins(report.origins, op)) continue
    out[key] = value
  }
  return out
}

/**
 * The report as the store gives it back once settled with `op`, without the round trip: for a
 * process that settled it and knows nothing changed since. Nested values go through JSON when
 * an error could hold fields JSON leaves out.
 */
export function storedForm(report: OperationReport, op: Operation): OperationReport {
  const stored = compactReport(report, op)
  return expandReport(stored.error === undefined ? stored : JSON.parse(JSON.stringify(stored)), op)
}

// Built as one literal, not by spreading: expanding is on the path of every report read back
// (20,000 at the end of a large apply), where spreads cost several times as much.
function expandReport(stored: StoredReport, op: Operation): OperationReport {
  const report: Record<string, unknown> = {
    id: stored.id ?? op.id,
    channel: stored.channel ?? op.channel,
    service: stored.service ?? op.service,
    asset: stored.asset ?? assetOf(op),
    level: stored.level ?? op.asset.level,
    kind: stored.kind ?? op.kind,
    status: stored.status,
    statements: stored.statements ?? stored.statementDetails?.map(displayOf) ?? [],
    warnings: stored.warnings,
    origins: stored.origins ?? originsOf(op),
  }
  for (const key in stored) if (!(key in report)) report[key] = stored[key as keyof StoredReport]
  return report as unknown as OperationReport
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
    ...(row.note === null ? {} : { note: decodeStoreText(row.note) }),
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
    service: decodeStoreText(row.service),
    asset: decodeStoreText(row.asset),
    kind: row.kind,
    statement: decodeStoreText(row.statement),
    ...(row.before_known ? { before: row.before === null ? null : decodeStoreText(row.before) } : {}),
    ...(row.after_known ? { after: row.after === null ? null : decodeStoreText(row.after) } : {}),
    outcome: row.outcome,
    at: date(row.at),
  }
}

/**
 * Audit entries as one array per column, for unnest (a third faster than a JSON array of objects).
 * Before and after go as JSON text: NULL when not known, `null` when known to be absent.
 */
export function auditArrays(entries: readonly AuditEntry[]): unknown[][] {
  const json = (v: string | null | undefined) => (v === undefined ? null : encodeStoreJson(v))
  return [
    entries.map((e) => e.operationId),
    entries.map((e) => e.runId),
    entries.map((e) => e.attempt),
    entries.map((e) => encodeStoreText(e.service)),
    entries.map((e) => encodeStoreText(e.asset)),
    entries.map((e) => e.kind),
    entries.map((e) => encodeStoreText(e.statement)),
    entries.map((e) => json(e.before)),
    entries.map((e) => json(e.after)),
    entries.map((e) => e.outcome),
    entries.map((e) => e.at?.toISOString() ?? null),
  ]
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
