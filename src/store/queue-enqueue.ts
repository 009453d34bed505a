import type { Operation } from '../model/operation.js'
import { mergeOperation } from './merge-operation.js'
import { chunkSize, Params, takeCounterSql, valuesCte } from './queue-sql.js'
import type { SqlDialect, SqlExecutor } from './sql-runner.js'
import { chunks } from './store-rows.js'
import { encodeStoreJson, encodeStoreText, parseStoreJson } from './store-text.js'

/**
 * Queues `ops` into run `runId`, inside a transaction that holds the queue's lock (see
 * SqlStateStore), so the pending rows read here are still the ones to merge into when written.
 * Operations of one key coalesce in input order, then into the key's pending, never-attempted
 * operation when there is one (mergeOperation); that row takes the new run and a new seq. Each
 * key's operation takes its place in the queue by its last occurrence in `ops`. A few statements
 * per thousand keys: one read, one multi-row INSERT, one UPDATE from a VALUES list.
 */
export async function enqueueOps(tx: SqlExecutor, s: string, dialect: SqlDialect, runId: number, ops: readonly Operation[]): Promise<{ inserted: number; coalesced: number }> {
  const byKey = new Map<string, Operation[]>()
  for (const op of ops) {
    const same = byKey.get(op.id)
    if (same === undefined) byKey.set(op.id, [op])
    else {
      same.push(op)
      // Moved to the end: a key queues where it was last touched.
      byKey.delete(op.id)
      byKey.set(op.id, same)
    }
  }
  const groups = [...byKey.values()]
  const [counter] = await tx.query<{ value: string | number }>(takeCounterSql(s), [groups.length, 'operation_seq'])
  let seq = Number(counter!.value) - groups.length
  let inserted = 0
  let coalesced = 0
  for (const part of chunks(groups, chunkSize)) {
    const keys = part.map((g) => encodeStoreText(g[0]!.id))
    const p = new Params()
    const pending = await tx.query<{ id: string | number; key: string; payload: string }>(
      `SELECT id, key, CAST(payload AS text) AS payload FROM ${s}.operations WHERE status = 'pending' AND attempts = 0 AND key IN ${p.list(keys)}`,
      p.values,
    )
    const existing = new Map(pending.map((row) => [row.key, row]))
    const inserts: unknown[][] = []
    const updates: unknown[][] = []
    part.forEach((group, i) => {
      seq += 1
      const into = existing.get(keys[i]!)
      const first = into === undefined ? group[0]! : mergeOperation(parseStoreJson<Operation>(into.payload), group[0]!)
      const merged = group.slice(1).reduce(mergeOperation, first)
      const service = encodeStoreText(group[group.length - 1]!.service)
      if (into === undefined) {
        inserts.push([keys[i], service, seq, encodeStoreJson(merged)])
        inserted += 1
        coalesced += group.length - 1
      } else {
        updates.push([Number(into.id), seq, encodeStoreJson(merged), service])
        coalesced += group.length
      }
    })
    if (inserts.length > 0) {
      const q = new Params()
      const run = q.add(runId)
      await tx.query(
        `INSERT INTO ${s}.operations (run_id, key, service, seq, payload)
         VALUES ${inserts.map((r) => `(${run}, ${r.map((v) => q.add(v)).join(', ')})`).join(', ')}`,
        q.values,
      )
    }
    if (updates.length > 0) {
      const q = new Params()
      const run = q.add(runId)
      await tx.query(
        `WITH ${valuesCte(dialect, q, 'v', ['op_id', 'new_seq', 'new_payload', 'new_service'], ['bigint', 'bigint', 'json', 'text'], updates)}
         UPDATE ${s}.operations AS o SET payload = v.new_payload, run_id = ${run}, service = v.new_service, seq = v.new_seq, updated_at = now()
         FROM v WHERE o.id = v.op_id`,
        q.values,
      )
    }
  }
  // A worker may have finished the run while it was still being queued (a streamed input
  // queues flush by flush): more work reopens it, so its counts stay live until it is done.
  await tx.query(`UPDATE ${s}.runs SET finished_at = NULL WHERE id = $1 AND finished_at IS NOT NULL`, [runId])
  return { inserted, coalesced }
}
