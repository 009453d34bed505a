import { isOlder, newerOrder, type ChangeOrder } from '../model/order.js'
import { chunkSize, Params, valuesCte } from './queue-sql.js'
import { orderMarks } from './settle-batches.js'
import type { SqlDialect, SqlExecutor } from './sql-runner.js'
import { orderKeyString, type Settlement } from './state-store.js'
import { compactReport, chunks, type StoredReport } from './store-rows.js'
import { decodeStoreText, encodeStoreJson, encodeStoreText, parseStoreJson } from './store-text.js'

/** Said of an operation whose statements landed in an attempt that died, and that read-back found in place. */
const foundInPlace = 'landed in an interrupted earlier attempt: found in place, not sent again'

/**
 * Settles one chunk of settlements by `workerId`, inside a transaction that holds the queue's
 * lock (see SqlStateStore): the reads here cannot go stale before the writes. Rows no longer
 * locked by the worker (reclaimed after its lease ran out) are left alone. The audit follows the
 * rules stated on StateStore.settle. Rows whose statements may or may not have landed (an attempt
 * that died with a crash, or lost its connection while sending) stay `sent` until an attempt
 * settles the operation for good, since only then is it known whether they landed. An attempt is
 * one (run, attempt) pair: replay starts counting attempts again, in a new run.
 *
 * The rows of the attempt that applied the operation are not rewritten: they read as `applied`
 * through the operation (view audit_log, migration 0004), so the common case writes its audit
 * rows once. Every other resolution (earlier attempts, failures, recoveries) is written into the
 * row itself. Returns the ids settled.
 */
export async function settleChunk(tx: SqlExecutor, s: string, dialect: SqlDialect, workerId: string, chunk: readonly Settlement[]): Promise<number[]> {
  const found = await newestSent(tx, s, chunk.filter((st) => st.status === 'unchanged').map((st) => st.id))
  const rows = chunk.map((st) => {
    const at = found.get(st.id)
    let report: StoredReport = compactReport(st.report, st.op)
    // Found in place by read-back after an attempt that sent it: that read-back verifies it.
    if (at !== undefined) report = { ...report, verified: true, warnings: [...(report.warnings ?? []), foundInPlace] }
    const status = st.status === 'retry' ? 'pending' : at !== undefined ? 'applied' : st.status
    const error = st.status === 'retry' || st.status === 'dead' ? encodeStoreJson(st.error) : null
    return [st.id, status, encodeStoreJson(report), error, st.status === 'retry' ? st.runAt.toISOString() : null]
  })
  const p = new Params()
  const worker = p.add(workerId)
  const done = await tx.query<{ id: string | number; run_id: string | number; attempts: string | number }>(
    // RETURNING names the updated table's columns unqualified (SQLite knows no alias there), so
    // the list's columns are named apart from them.
    `WITH ${valuesCte(dialect, p, 'v', ['op_id', 'new_status', 'new_report', 'new_error', 'new_run_at'], ['bigint', 'text', 'json', 'jsonb', 'timestamptz'], rows)}
     UPDATE ${s}.operations AS o SET status = v.new_status, report = v.new_report, last_error = v.new_error,
       run_at = coalesce(v.new_run_at, o.run_at), locked_by = NULL, locked_at = NULL, updated_at = now()
     FROM v WHERE o.id = v.op_id AND o.status = 'running' AND o.locked_by = ${worker}
     RETURNING id, run_id, attempts`,
    p.values,
  )
  if (done.length === 0) return []
  const byId = new Map(chunk.map((st) => [st.id, st]))
  const settled = done.map((d) => ({ id: Number(d.id), runId: Number(d.run_id), attempts: Number(d.attempts), st: byId.get(Number(d.id))! }))
  await recordOrders(tx, s, dialect, orderMarks(settled.map((d) => d.st)))
  await resolveAudit(tx, s, dialect, settled, found)
  return settled.map((d) => d.id)
}

/**
 * Of the audit rows still `sent` of these operations, the newest one's attempt: each attempt that
 * sent again had first read back that the earlier ones had not landed, so of the rows still
 * unresolved only the newest attempt's can be the one found in place.
 */
async function newestSent(tx: SqlExecutor, s: string, ids: readonly number[]): Promise<Map<number, { runId: number; attempt: number }>> {
  const out = new Map<number, { runId: number; attempt: number; row: number }>()
  if (ids.length === 0) return out
  const p = new Params()
  const rows = await tx.query<{ id: string | number; operation_id: string | number; run_id: string | number; attempt: string | number }>(
    `SELECT id, operation_id, run_id, attempt FROM ${s}.audit WHERE outcome = 'sent' AND operation_id IN ${p.list(ids)}`,
    p.values,
  )
  for (const r of rows) {
    const op = Number(r.operation_id)
    const held = out.get(op)
    if (held === undefined || held.row < Number(r.id)) out.set(op, { runId: Number(r.run_id), attempt: Number(r.attempt), row: Number(r.id) })
  }
  return out
}

/**
 * The order of what the database now holds, as a maximum: a settle of a newer change (another
 * channel, another worker) is never undone, whichever settles first. Read and written under the
 * queue's lock, so the maximum is taken in TypeScript (model/order.ts), in one place.
 */
async function recordOrders(tx: SqlExecutor, s: string, dialect: SqlDialect, marks: ReturnType<typeof orderMarks>): Promise<void> {
  for (const part of chunks(marks, chunkSize)) {
    const keyRows = part.map((m) => [encodeStoreText(m.service), encodeStoreText(m.asset), m.kind, encodeStoreText(m.item)])
    const p = new Params()
    const held = await tx.query<{ service: string; asset: string; kind: string; item: string; ord: string; operation_id: string | number | null }>(
      `WITH ${valuesCte(dialect, p, 'k', ['service', 'asset', 'kind', 'item'], ['text', 'text', 'text', 'text'], keyRows)}
       SELECT c.service, c.asset, c.kind, c.item, CAST(c.ord AS text) AS ord, c.operation_id FROM ${s}.change_orders c
       JOIN k ON c.service = k.service AND c.asset = k.asset AND c.kind = k.kind AND c.item = k.item`,
      p.values,
    )
    const recorded = new Map(
      held.map((h) => [
        orderKeyString({ service: decodeStoreText(h.service), asset: decodeStoreText(h.asset), kind: h.kind as never, item: decodeStoreText(h.item) }),
        { ord: parseStoreJson<ChangeOrder>(h.ord), operationId: h.operation_id === null ? null : Number(h.operation_id) },
      ]),
    )
    const rows: unknown[][] = []
    part.forEach((m, i) => {
      const was = recorded.get(orderKeyString(m))
      const ord = newerOrder(was?.ord, m.ord)
      if (ord === undefined) return
      const operationId = was === undefined || isOlder(was.ord, m.ord) ? m.id : was.operationId
      rows.push([...keyRows[i]!, encodeStoreJson(ord), operationId])
    })
    if (rows.length === 0) continue
    const q = new Params()
    await tx.query(
      `INSERT INTO ${s}.change_orders AS r (service, asset, kind, item, ord, operation_id)
       VALUES ${rows.map((r) => `(${r.map((v) => q.add(v)).join(', ')})`).join(', ')}
       ON CONFLICT (service, asset, kind, item) DO UPDATE SET ord = excluded.ord, operation_id = excluded.operation_id, updated_at = now()`,
      q.values,
    )
  }
}

/** Which `sent` rows of a settled operation are resolved now (see StateStore.settle). */
function auditRule(st: Settlement): 'others' | 'this' | 'all' | undefined {
  switch (st.status) {
    case 'applied':
      return 'others'
    case 'retry':
      // A connection lost while sending: whether the statements landed is not known yet.
      return st.error.code === 'CONNECTION_FAILED' ? undefined : 'this'
    case 'dead':
      return 'this'
    default:
      return 'all'
  }
}

async function resolveAudit(
  tx: SqlExecutor,
  s: string,
  dialect: SqlDialect,
  settled: readonly { id: number; runId: number; attempts: number; st: Settlement }[],
  found: ReadonlyMap<number, { runId: number; attempt: number }>,
): Promise<void> {
  const rows = settled.flatMap((d) => {
    const rule = auditRule(d.st)
    const at = found.get(d.id)
    return rule === undefined ? [] : [[d.id, d.runId, d.attempts, rule, at?.runId ?? null, at?.attempt ?? null]]
  })
  if (rows.length === 0) return
  const p = new Params()
  // The outcome test is wrapped so that it cannot be indexed: SQLite would otherwise build an
  // automatic index on it for every statement (a scan of the whole audit) instead of looking each
  // operation up in audit_operation.
  await tx.query(
    `WITH ${valuesCte(dialect, p, 'v', ['id', 'run_id', 'attempt', 'rule', 'found_run', 'found_attempt'], ['bigint', 'bigint', 'integer', 'text', 'bigint', 'integer'], rows)}
     UPDATE ${s}.audit AS a SET outcome = CASE WHEN a.run_id = v.found_run AND a.attempt = v.found_attempt THEN 'recovered' ELSE 'failed' END
     FROM v WHERE a.operation_id = v.id AND coalesce(a.outcome, '') = 'sent' AND CASE v.rule
       WHEN 'others' THEN NOT (a.run_id = v.run_id AND a.attempt = v.attempt)
       WHEN 'this' THEN a.run_id = v.run_id AND a.attempt = v.attempt
       ELSE 1 = 1 END`,
    p.values,
  )
}
