import { RevmetaError } from '../errors/revmeta-error.js'
import type { Operation } from '../model/operation.js'
import { quoteIdent, quoteLiteral } from './migrate.js'
import {
  claimSql,
  countsSql,
  enqueueSql,
  heartbeatSql,
  ordersSql,
  closeAbandonedRunsSql,
  reclaimSql,
  replaySql,
  settleSql,
  zipped,
} from './queue-sql.js'
import type { SqlExecutor, SqlRunner } from './sql-runner.js'
import type { ChangeOrder } from '../model/order.js'
import { orderMarks, waves } from './settle-batches.js'
import { decodeStoreText, encodeStoreJson, encodeStoreText, encodeStoreTextOrNull, parseStoreJson } from './store-text.js'
import { orderKeyString, type AuditEntry, type ClaimOptions, type OrderKey, type RunRow, type Settlement, type StateStore, type StoredOperation, type StoredStatus } from './state-store.js'
import {
  auditArrays,
  auditColumns,
  chunks,
  compactReport,
  fromOperationJson,
  operationJson,
  toAuditEntry,
  toRunRow,
  type AuditDbRow,
  type RunDbRow,
} from './store-rows.js'

/** Rows per statement: large enough that 20,000 operations take a few round trips, small enough to keep each parameter modest. */
const chunkSize = 1_000
/** Operations per page when reading many back: pages of 2,000 are about 2 MB of JSON each. */
const readPage = 2_000
/** Operations enqueued at once that make the embedded store refresh its statistics. */
const analyzeAfter = 1_000

/** The embedded store vacuums once the operations settled since the last VACUUM reach this share of the table... */
const vacuumShare = 0.2
/** ...and this many, so that a young store is not vacuumed all the time. */
const vacuumFloor = 5_000

/**
 * The state store over any SqlRunner. Every method is one transaction. Cross-process races on
 * PostgreSQL are settled by row locks (claim, settle) and by transaction-scoped advisory locks
 * where two writers would otherwise interleave (enqueue and replay; claims under per-service caps).
 */
export class SqlStateStore implements StateStore {
  private readonly s: string
  private readonly sql: {
    enqueue: string
    claim: string
    settle: string
    replay: string
    reclaim: string
    heartbeat: string
    orders: string
  }

  readonly exclusive: boolean

  constructor(
    private readonly runner: SqlRunner,
    readonly schema: string,
  ) {
    this.exclusive = runner.dialect.name === 'sqlite'
    this.s = quoteIdent(schema)
    const s = this.s
    this.sql = {
      enqueue: enqueueSql(s),
      claim: claimSql(s),
      settle: settleSql(s),
      replay: replaySql(s),
      reclaim: reclaimSql(s),
      heartbeat: heartbeatSql(s),
      orders: ordersSql(s),
    }
  }

  /** The store's connection, for modules that keep their own tables in its schema (the built-in catalog). */
  get sqlRunner(): SqlRunner {
    return this.runner
  }

  /** Serializes writers that share `name` across processes; PGlite has a single connection anyway. */
  private async lock(tx: SqlExecutor, name: string): Promise<void> {
    const sql = this.lockSql(name)
    if (sql) await tx.exec(sql)
  }

  private lockSql(name: string): string {
    return this.runner.dialect.name === 'postgres' ? `SELECT pg_advisory_xact_lock(hashtext(${quoteLiteral(`revmeta.${name}:${this.schema}`)})::bigint);` : ''
  }

  /** A single statement commits by itself: a transaction around it would only add two round trips. */
  private atomically<T>(statements: number, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return statements === 1 ? fn(this.runner) : this.runner.transaction(fn)
  }

  async recordEvents(events: readonly { id: string; source: string; payload: unknown }[]): Promise<Set<string>> {
    if (events.length === 0) return new Set()
    return this.runner.transaction((tx) => this.recordEventsIn(tx, events))
  }

  private async recordEventsIn(tx: SqlExecutor, events: readonly { id: string; source: string; payload: unknown }[]): Promise<Set<string>> {
    const fresh = new Set<string>()
    for (const chunk of chunks(events, chunkSize)) {
      const [row] = await tx.query<{ ids: string[] }>(
        `WITH fresh AS (
           INSERT INTO ${this.s}.events (id, source, payload)
           SELECT x.id, x.source, x.value FROM ${zipped('$1', ['$2::text[]', '$3::text[]'], 'id, source')}
           ON CONFLICT (id) DO NOTHING RETURNING id)
         SELECT coalesce(json_agg(id), '[]') AS ids FROM fresh`,
        [encodeStoreJson(chunk.map((e) => e.payload ?? null)), chunk.map((e) => encodeStoreText(e.id)), chunk.map((e) => encodeStoreText(e.source))],
      )
      for (const id of row?.ids ?? []) fresh.add(decodeStoreText(id))
    }
    return fresh
  }

  async intake<T extends { readonly operations: readonly Operation[] }>(
    mode: RunRow['mode'],
    events: readonly { id: string; source: string; payload: unknown }[],
    plan: (fresh: ReadonlySet<string>) => T,
  ): Promise<{ fresh: Set<string>; planned: T; runId?: number }> {
    let inserted = 0
    const result = await this.runner.transaction(async (tx) => {
      const fresh = await this.recordEventsIn(tx, events)
      const planned = plan(fresh)
      if (planned.operations.length === 0) return { fresh, planned }
      const [run] = await tx.query<{ id: string | number }>(`INSERT INTO ${this.s}.runs (mode) VALUES ($1) RETURNING id`, [mode])
      const runId = Number(run!.id)
      inserted = (await this.enqueueIn(tx, runId, planned.operations)).inserted
      return { fresh, planned, runId }
    })
    await this.afterEnqueue(inserted)
    return result
  }

  async createRun(mode: RunRow['mode'], note?: string): Promise<number> {
    const rows = await this.runner.query<{ id: string | number }>(`INSERT INTO ${this.s}.runs (mode, note) VALUES ($1, $2) RETURNING id`, [mode, encodeStoreTextOrNull(note)])
    return Number(rows[0]!.id)
  }

  async finishRun(runId: number): Promise<RunRow> {
    const rows = await this.runner.query<RunDbRow>(
      `UPDATE ${this.s}.runs r SET finished_at = now(), counts = ${countsSql(this.s, 'r.id')}
       WHERE r.id = $1 RETURNING id, mode, note, started_at, finished_at, counts`,
      [runId],
    )
    if (rows.length === 0) throw new RevmetaError('INTERNAL', `No run ${runId} in the state store.`, { details: { runId } })
    return toRunRow(rows[0]!)
  }

  /** A run still going shows live counts; a finished one, the counts stamped when it finished. */
  private runSelect(where: string): string {
    return `SELECT id, mode, note, started_at, finished_at,
        CASE WHEN finished_at IS NULL THEN ${countsSql(this.s, 'r.id')} ELSE counts END AS counts
      FROM ${this.s}.runs r ${where}`
  }

  async getRun(runId: number): Promise<RunRow | undefined> {
    const rows = await this.runner.query<RunDbRow>(this.runSelect('WHERE r.id = $1'), [runId])
    return rows[0] && toRunRow(rows[0])
  }

  async listRuns(limit: number): Promise<RunRow[]> {
    const rows = await this.runner.query<RunDbRow>(this.runSelect('ORDER BY r.id DESC LIMIT $1'), [limit])
    return rows.map(toRunRow)
  }

  async enqueue(runId: number, ops: readonly Operation[]): Promise<{ inserted: number; coalesced: number }> {
    if (ops.length === 0) return { inserted: 0, coalesced: 0 }
    const counts = await this.runner.transaction((tx) => this.enqueueIn(tx, runId, ops))
    await this.afterEnqueue(counts.inserted)
    return counts
  }

  private async enqueueIn(tx: SqlExecutor, runId: number, ops: readonly Operation[]): Promise<{ inserted: number; coalesced: number }> {
    let inserted = 0
    let coalesced = 0
    await this.lock(tx, 'enqueue')
    for (const wave of waves(ops)) {
      for (const chunk of chunks(wave, chunkSize)) {
        const [counts] = await tx.query<{ inserted: string | number; coalesced: string | number }>(this.sql.enqueue, [
          runId,
          encodeStoreJson(chunk),
          chunk.map((op) => encodeStoreText(op.id)),
          chunk.map((op) => encodeStoreText(op.service)),
        ])
        inserted += Number(counts?.inserted ?? 0)
        coalesced += Number(counts?.coalesced ?? 0)
      }
    }
    // A worker may have finished the run while it was still being queued (a streamed input
    // queues flush by flush): more work reopens it, so its counts stay live until it is done.
    await tx.query(`UPDATE ${this.s}.runs SET finished_at = NULL WHERE id = $1 AND finished_at IS NOT NULL`, [runId])
    return { inserted, coalesced }
  }

  /**
   * PGlite never refreshes planner statistics by itself: after a large enqueue the claim query
   * would plan for an empty table and scan every pending row per claim (seconds each at 20,000).
   */
  private async afterEnqueue(inserted: number): Promise<void> {
    if (this.runner.dialect.name === 'sqlite' && inserted >= analyzeAfter) await this.analyze()
  }

  async claim(workerId: string, options: ClaimOptions): Promise<StoredOperation[]> {
    if (options.limit <= 0) return []
    const caps = options.maxRunningPerService ?? {}
    const capped = Object.keys(caps).length > 0
    const services = options.services === undefined ? null : options.services.map(encodeStoreText)
    const rows = await this.runner.transaction(async (tx) => {
      // Right after a burst of enqueues the table's statistics still say "few pending rows", and
      // the planner then sorts every pending row to pick the first thousand; PGlite never
      // refreshes statistics on its own. Claim must walk the seq index whatever the statistics say.
      // (The penalty that forbids sorting would otherwise make the claim look costly enough to JIT.)
      await tx.exec(`SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off; SET LOCAL jit = off; ${capped ? this.lockSql('claim-capped') : ''}`)
      return tx.query<{ ops: string }>(this.sql.claim, [workerId, options.limit, services, encodeStoreJson(caps)])
    })
    return parseStoreJson<unknown[][]>(rows[0]?.ops ?? '[]').map(fromOperationJson)
  }

  async settle(workerId: string, settlements: readonly Settlement[]): Promise<number[]> {
    if (settlements.length === 0) return []
    const parts = chunks(settlements, chunkSize)
    const settled: number[] = []
    const vacuumDue = await this.atomically(parts.length + (this.runner.dialect.name === 'sqlite' ? 1 : 0), async (tx) => {
      for (const chunk of parts) {
        const [row] = await tx.query<{ ids: (string | number)[] }>(this.sql.settle, [
          workerId,
          encodeStoreJson(chunk.map((st) => compactReport(st.report, st.op))),
          chunk.map((st) => st.id),
          chunk.map((st) => st.status),
          chunk.map((st) => (st.status === 'retry' || st.status === 'dead' ? encodeStoreJson(st.error) : null)),
          chunk.map((st) => (st.status === 'retry' ? st.runAt.toISOString() : null)),
          encodeStoreJson(orderMarks(chunk)),
        ])
        for (const id of row?.ids ?? []) settled.push(Number(id))
      }
      return this.runner.dialect.name === 'sqlite' && (await this.countForVacuum(tx, settlements.length))
    })
    if (vacuumDue) await this.vacuum()
    return settled
  }

  /**
   * PGlite has no autovacuum: without VACUUM, every claimed and settled row would leave dead
   * versions and dead index entries behind for good, and claims would slow down as the store
   * ages. As autovacuum would, the store waits until the operations settled since the last VACUUM
   * reach a share of the table: at a fixed interval, each VACUUM (which reads whole tables and
   * indexes) cost more as the store grew. The count is stored, so short runs add up.
   */
  private async countForVacuum(tx: SqlExecutor, settled: number): Promise<boolean> {
    const rows = await tx.query<{ settled: string | number; rows: number }>(
      `UPDATE ${this.s}.maintenance SET settled = settled + $1 WHERE name = 'vacuum'
       RETURNING settled, (SELECT reltuples FROM pg_class WHERE oid = $2::regclass) AS rows`,
      [settled, `${this.s}.operations`],
    )
    return Number(rows[0]?.settled ?? 0) >= Math.max(vacuumFloor, vacuumShare * Number(rows[0]?.rows ?? 0))
  }

  private async vacuum(): Promise<void> {
    await this.runner.exec(`VACUUM ${this.s}.operations, ${this.s}.audit`)
    await this.analyze()
    await this.runner.query(`UPDATE ${this.s}.maintenance SET settled = 0 WHERE name = 'vacuum'`)
  }

  /** The statistics claims are planned by, from a small sample of the columns they use (migration 0004). */
  private async analyze(): Promise<void> {
    await this.runner.exec(`ANALYZE ${this.s}.operations (status, key, service, run_id)`)
  }

  async orders(keys: readonly OrderKey[]): Promise<Map<string, ChangeOrder>> {
    const out = new Map<string, ChangeOrder>()
    const distinct = [...new Map(keys.map((k) => [orderKeyString(k), k])).values()]
    for (const chunk of chunks(distinct, chunkSize)) {
      const [row] = await this.runner.query<{ rows: [string, string, OrderKey['kind'], string, ChangeOrder][] }>(this.sql.orders, [
        chunk.map((k) => encodeStoreText(k.service)),
        chunk.map((k) => encodeStoreText(k.asset)),
        chunk.map((k) => k.kind),
        chunk.map((k) => encodeStoreText(k.item)),
      ])
      for (const [service, asset, kind, item, order] of row?.rows ?? []) {
        out.set(orderKeyString({ service: decodeStoreText(service), asset: decodeStoreText(asset), kind, item: decodeStoreText(item) }), order)
      }
    }
    return out
  }

  async reclaimExpired(leaseMs: number): Promise<number> {
    const rows = await this.runner.query<{ n: string | number }>(`WITH r AS (${this.sql.reclaim} RETURNING 1) SELECT count(*) AS n FROM r`, [leaseMs])
    return Number(rows[0]?.n ?? 0)
  }

  async heartbeat(workerId: string, ids?: readonly number[]): Promise<void> {
    await this.runner.query(this.sql.heartbeat, [workerId, ids === undefined ? null : [...ids]])
  }

  async closeAbandonedRuns(olderThanMs: number): Promise<number[]> {
    const rows = await this.runner.query<{ id: string | number }>(closeAbandonedRunsSql(this.s), [olderThanMs])
    return rows.map((row) => Number(row.id))
  }

  async operations(filter: { runId?: number; status?: StoredStatus; ids?: readonly number[] }): Promise<StoredOperation[]> {
    const where: string[] = []
    const params: unknown[] = []
    if (filter.runId !== undefined) where.push(`run_id = $${params.push(filter.runId)}`)
    if (filter.status !== undefined) where.push(`status = $${params.push(filter.status)}`)
    if (filter.ids !== undefined) where.push(`id = ANY($${params.push([...filter.ids])}::bigint[])`)
    // Pages of JSON rows (see operationJson), each small enough for any run's size.
    const pages = await this.runner.query<{ ops: string }>(
      `SELECT json_agg(x ORDER BY seq)::text AS ops FROM (
         SELECT ${operationJson('o')} AS x, o.seq, (row_number() OVER (ORDER BY o.seq) - 1) / ${readPage} AS page
         FROM ${this.s}.operations o ${where.length ? `WHERE ${where.join(' AND ')}` : ''}) t
       GROUP BY page ORDER BY page`,
      params,
    )
    return pages.flatMap((p) => parseStoreJson<unknown[][]>(p.ops).map(fromOperationJson))
  }

  async statuses(runId: number): Promise<{ id: number; status: StoredStatus; attempts: number }[]> {
    const [row] = await this.runner.query<{ states: [string | number, StoredStatus, number][] }>(
      `SELECT coalesce(json_agg(json_build_array(id, status, attempts) ORDER BY seq), '[]') AS states FROM ${this.s}.operations WHERE run_id = $1`,
      [runId],
    )
    return (row?.states ?? []).map(([id, status, attempts]) => ({ id: Number(id), status, attempts }))
  }

  async unsettled(runId?: number): Promise<number> {
    const rows = await this.runner.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM ${this.s}.operations WHERE status IN ('pending', 'running') AND ($1::bigint IS NULL OR run_id = $1::bigint)`,
      [runId ?? null],
    )
    return Number(rows[0]?.n ?? 0)
  }

  async replay(runId: number, ids?: readonly number[]): Promise<number> {
    return this.runner.transaction(async (tx) => {
      await this.lock(tx, 'enqueue')
      const rows = await tx.query<{ n: string | number }>(`WITH r AS (${this.sql.replay} RETURNING 1) SELECT count(*) AS n FROM r`, [runId, ids === undefined ? null : [...ids]])
      return Number(rows[0]?.n ?? 0)
    })
  }

  async recordAudit(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return
    const parts = chunks(entries, chunkSize)
    await this.atomically(parts.length, async (tx) => {
      for (const chunk of parts) {
        await tx.query(
          `INSERT INTO ${this.s}.audit (operation_id, run_id, attempt, service, asset, kind, statement, before, after, outcome, at)
           SELECT x.operation_id, x.run_id, x.attempt, x.service, x.asset, x.kind, x.statement, x.before, x.after, x.outcome, coalesce(x.at, now())
           FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::jsonb[], $10::text[], $11::timestamptz[])
             AS x(operation_id, run_id, attempt, service, asset, kind, statement, before, after, outcome, at)`,
          auditArrays(chunk),
        )
      }
    })
  }

  async audit(filter: { runId?: number; operationId?: number }): Promise<AuditEntry[]> {
    const rows = await this.runner.query<AuditDbRow>(
      `SELECT ${auditColumns} FROM ${this.s}.audit_log
       WHERE ($1::bigint IS NULL OR run_id = $1::bigint) AND ($2::bigint IS NULL OR operation_id = $2::bigint) ORDER BY id`,
      [filter.runId ?? null, filter.operationId ?? null],
    )
    return rows.map(toAuditEntry)
  }

  async getCursor(name: string): Promise<string | undefined> {
    const rows = await this.runner.query<{ value: string }>(`SELECT value FROM ${this.s}.cursors WHERE name = $1`, [encodeStoreText(name)])
    return rows[0] && decodeStoreText(rows[0].value)
  }

  async setCursor(name: string, value: string): Promise<void> {
    await this.runner.query(
      `INSERT INTO ${this.s}.cursors (name, value) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = now()`,
      [encodeStoreText(name), encodeStoreText(value)],
    )
  }

  close(): Promise<void> {
    return this.runner.close()
  }
}
