import type { SqlExecutor } from './sql-runner.js'
import { storedStatuses } from './state-store.js'

/** Run ids per statement: one parameter each, far below either database's limit. */
const idsPerStatement = 500

/**
 * Whether an operation's report says its value was read back as written. `report -> 'verified'`
 * is JSON on both databases (PostgreSQL's json operator, SQLite's JSON function of the same
 * name), and as text it is `true` on both; a string that merely holds that text never matches.
 */
export const verifiedSql = (report: string) => `CAST(${report} -> 'verified' AS text) = 'true'`

/** The counts of a run as runs show them: every stored status (zeros included), total and verified. */
export function runCounts(rows: Iterable<{ status: string; n: number; verified: number }>): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const status of storedStatuses) counts[status] = 0
  let total = 0
  let verified = 0
  for (const row of rows) {
    counts[row.status] = (counts[row.status] ?? 0) + row.n
    total += row.n
    verified += row.verified
  }
  counts.total = total
  counts.verified = verified
  return counts
}

/**
 * The live counts of runs still going, read through the operations_run index (run_id, status):
 * one grouped scan of those runs' rows, whatever else the store holds. Finished runs carry the
 * counts stamped when they finished and need none of this.
 */
export async function liveRunCounts(db: SqlExecutor, tables: string, runIds: readonly number[]): Promise<Map<number, Record<string, number>>> {
  const byRun = new Map<number, { status: string; n: number; verified: number }[]>(runIds.map((id) => [id, []]))
  for (let i = 0; i < runIds.length; i += idsPerStatement) {
    const chunk = runIds.slice(i, i + idsPerStatement)
    const rows = await db.query<{ run_id: string | number; status: string; n: string | number; verified: string | number | null }>(
      `SELECT run_id, status, count(*) AS n, sum(CASE WHEN ${verifiedSql('report')} THEN 1 ELSE 0 END) AS verified
       FROM ${tables}.operations WHERE run_id IN (${chunk.map((_, j) => `$${j + 1}`).join(', ')}) GROUP BY run_id, status`,
      chunk,
    )
    for (const r of rows) byRun.get(Number(r.run_id))?.push({ status: r.status, n: Number(r.n), verified: Number(r.verified ?? 0) })
  }
  return new Map([...byRun].map(([id, rows]) => [id, runCounts(rows)]))
}
