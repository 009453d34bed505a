import type { ErrorReport, OperationReport } from '../model/report.js'
import type { ChangeKind } from '../model/change.js'
import type { Operation } from '../model/operation.js'
import { displayOf } from '../model/statement.js'
import type { AuditEntry, RunRow, StoredOperation, StoredStatus } from './state-store.js'
import { decodeStoreText, encodeStoreJson, encodeStoreText, parseStoreJson } from './store-text.js'

/** node-pg returns bigint as text and PGlite as number; the contract says numbers. */
const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value))
const date = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)))

/**
 * The columns of an operation row as the store reads them: JSON read as text (each database hands
 * JSON back in its own form otherwise), parsed by fromOperationRow.
 */
export const operationColumns = (alias?: string) => {
  const a = alias === undefined ? '' : `${alias}.`
  return `${a}id, ${a}run_id, ${a}key, ${a}service, ${a}seq, CAST(${a}payload AS text) AS payload, ${a}status, ${a}attempts,
   CAST(${a}last_error AS text) AS last_error, CAST(${a}report AS text) AS report, ${a}run_at, ${a}locked_by`
}

export interface OperationDbRow {
  id: string | number
  run_id: string | number
  key: string
  service: string
  seq: string | number
  payload: string
  status: StoredStatus
  attempts: string | number
  last_error: string | null
  report: string | null
  run_at: Date | string
  locked_by: string | null
}

/** A row of operationColumns as the store hands it out (read back at the end of every run: kept lean). */
export function fromOperationRow(row: OperationDbRow): StoredOperation {
  const op = parseStoreJson<Operation>(row.payload)
  const stored: { -readonly [K in keyof StoredOperation]: StoredOperation[K] } = {
    id: num(row.id),
    runId: num(row.run_id),
    key: decodeStoreText(row.key),
    service: decodeStoreText(row.service),
    seq: num(row.seq),
    op,
    status: row.status,
    attempts: num(row.attempts),
    runAt: date(row.run_at),
  }
  if (row.last_error !== null) stored.lastError = parseStoreJson<ErrorReport>(row.last_error)
  if (row.locked_by !== null) stored.lockedBy = decodeStoreText(row.locked_by)
  if (row.report !== null) stored.report = expandReport(parseStoreJson<StoredReport>(row.report), op)
  return stored
}

/**
 * A report stores only what its operation does not already say: identity (id, channel, service,
 * asset, level, kind) and origins are the operation's in all but odd cases, and were about half
 * of every settled row. Fields that differ from the operation's are kept, so expanding always
 * gives back the report that was settled.
 */
export type StoredReport = Partial<OperationReport>

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
  /** The counts stamped when the run finished: JSON text (read as `CAST(counts AS text)`), or as a driver parsed it. */
  counts: string | Record<string, number | string>
}

export function toRunRow(row: RunDbRow): RunRow {
  return toLiveRunRow(row, undefined)
}

/** `live`: the counts of a run still going, computed from its operations (see liveRunCounts). */
export function toLiveRunRow(row: RunDbRow, live: Record<string, number> | undefined): RunRow {
  const stamped = typeof row.counts === 'string' ? parseStoreJson<Record<string, number | string>>(row.counts) : row.counts
  const counts: Record<string, number> = {}
  for (const [k, v] of Object.entries(live ?? stamped ?? {})) counts[k] = num(v)
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
  /** JSON text: SQL NULL when not known, `null` when known to be absent. */
  before: string | null
  after: string | null
  outcome: AuditEntry['outcome']
  at: Date | string
}

export const auditColumns = `operation_id, run_id, attempt, service, asset, kind, statement, CAST(before AS text) AS before, CAST(after AS text) AS after, outcome, at`

export function toAuditEntry(row: AuditDbRow): AuditEntry {
  return {
    operationId: num(row.operation_id),
    runId: num(row.run_id),
    attempt: num(row.attempt),
    service: decodeStoreText(row.service),
    asset: decodeStoreText(row.asset),
    kind: row.kind,
    statement: decodeStoreText(row.statement),
    ...(row.before === null ? {} : { before: parseStoreJson<string | null>(row.before) }),
    ...(row.after === null ? {} : { after: parseStoreJson<string | null>(row.after) }),
    outcome: row.outcome,
    at: date(row.at),
  }
}

/** Columns of one audit row as bound parameters, in the order of the audit INSERT. */
export function auditValues(e: AuditEntry): unknown[] {
  const json = (v: string | null | undefined) => (v === undefined ? null : encodeStoreJson(v))
  return [e.operationId, e.runId, e.attempt, encodeStoreText(e.service), encodeStoreText(e.asset), e.kind, encodeStoreText(e.statement), json(e.before), json(e.after), e.outcome, e.at?.toISOString() ?? null]
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
