import { RevmetaError } from '../errors/revmeta-error.js'
import type { Operation } from '../model/operation.js'
import type { ChangeOrder } from '../model/order.js'
import { enqueueOps } from './queue-enqueue.js'
import { settleChunk } from './queue-settle.js'
import { chunkSize, Params, pendingServicesSql, readySql, takeCounterSql, valuesCte } from './queue-sql.js'
import { liveRunCounts } from './run-counts.js'
import type { SqlExecutor, SqlRunner, TransactionOptions } from './sql-runner.js'
import { decodeStoreText, encodeStoreText, encodeStoreTextOrNull, parseStoreJson } from './store-text.js'
import { orderKeyString, type AuditEntry, type ClaimOptions, type OrderKey, type RunRow, type Settlement, type StateStore, type StoredOperation, type StoredStatus } from './state-store.js'
import {
  auditColumns,
  auditValues,
  chunks,
  fromOperationRow,
  operationColumns,
  toAuditEntry,
  toLiveRunRow,
  toRunRow,
  type AuditDbRow,
  type OperationDbRow,
  type RunDbRow,
} from './store-rows.js'

/** Operations per page when reading many back: pages of 2,000 are about 2 MB of JSON each. */
const readPage = 2_000

/**
 * The state store over any SqlRunner, in one SQL text for PostgreSQL and SQLite. Every method is
 * one transaction. Every transaction that writes the queue first takes the queue's lock
 * (SqlRunner.serialize: an advisory lock on PostgreSQL, the file's write lock on SQLite), so one
 * writer at a time reads and writes it: claims need no row locks to never hand an operation out
 * twice, caps are counted without races, and merges and order maxima are computed in TypeScript
 * on rows that cannot change underneath.
 */
export class SqlStateStore implements StateStore {
  private readonly s: string
  private readonly queueLock: string

  constructor(
    private readonly runner: SqlRunner,
    readonly schema: string,
  ) {
    this.s = runner.dialect.tables(schema)
    this.queueLock = `revmeta.queue:${schema}`
  }

  /** The store's connection, for modules that keep their own tables in its schema (the built-in catalog). */
  get sqlRunner(): SqlRunner {
    return this.runner
  }

  /** One transaction that holds the queue's lock from its start; `relaxed` for bookkeeping (see TransactionOptions). */
  private writing<T>(fn: (tx: SqlExecutor) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.runner.transaction(async (tx) => {
      await this.runner.serialize(tx, this.queueLock)
      return fn(tx)
    }, options)
  }

  /** Queue bookkeeping (claims, settlements, heartbeats, reclaims): done again if a power cut takes it back. */
  private bookkeeping<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.writing(fn, { relaxed: true })
  }

  async recordEvents(events: readonly { id: string; source: string; payload: unknown }[]): Promise<Set<string>> {
    if (events.length === 0) return new Set()
    return this.writing((tx) => this.recordEventsIn(tx, events))
  }

  /**
   * Only the ids are kept (with their source): they are what redelivery is recognised by, and
   * nothing reads a payload back, so storing each one would only cost time and space.
   */
  private async recordEventsIn(tx: SqlExecutor, events: readonly { id: string; source: string; payload: unknown }[]): Promise<Set<string>> {
    const fresh = new Set<string>()
    const distinct = [...new Map(events.map((e) => [e.id, e])).values()]
    for (const chunk of chunks(distinct, chunkSize)) {
      const p = new Params()
      const rows = await tx.query<{ id: string }>(
        `INSERT INTO ${this.s}.events (id, source, payload) VALUES ${chunk.map((e) => `(${p.add(encodeStoreText(e.id))}, ${p.add(encodeStoreText(e.source))}, 'null')`).join(', ')}
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        p.values,
      )
      for (const row of rows) fresh.add(decodeStoreText(row.id))
    }
    return fresh
  }

  async intake<T extends { readonly operations: readonly Operation[] }>(
    mode: RunRow['mode'],
    events: readonly { id: string; source: string; payload: unknown }[],
    plan: (fresh: ReadonlySet<string>) => T,
  ): Promise<{ fresh: Set<string>; planned: T; runId?: number }> {
    return this.writing(async (tx) => {
      const fresh = await this.recordEventsIn(tx, events)
      const planned = plan(fresh)
      if (planned.operations.length === 0) return { fresh, planned }
      const [run] = await tx.query<{ id: string | number }>(`INSERT INTO ${this.s}.runs (mode) VALUES ($1) RETURNING id`, [mode])
      const runId = Number(run!.id)
      await enqueueOps(tx, this.s, this.runner.dialect, runId, planned.operations)
      return { fresh, planned, runId }
    })
  }

  async createRun(mode: RunRow['mode'], note?: string): Promise<number> {
    const rows = await this.runner.query<{ id: string | number }>(`INSERT INTO ${this.s}.runs (mode, note) VALUES ($1, $2) RETURNING id`, [mode, encodeStoreTextOrNull(note)])
    return Number(rows[0]!.id)
  }

  private readonly runColumns = 'id, mode, note, started_at, finished_at, CAST(counts AS text) AS counts'

  async finishRun(runId: number): Promise<RunRow> {
    const rows = await this.runner.transaction(async (tx) => {
      const counts = (await liveRunCounts(tx, this.s, [runId])).get(runId)!
      return tx.query<RunDbRow>(`UPDATE ${this.s}.runs SET finished_at = now(), counts = $2 WHERE id = $1 RETURNING ${this.runColumns}`, [runId, JSON.stringify(counts)])
    })
    if (rows.length === 0) throw new RevmetaError('INTERNAL', `No run ${runId} in the state store.`, { details: { runId } })
    return toRunRow(rows[0]!)
  }

  /** A run still going shows live counts; a finished one, the counts stamped when it finished. */
  private async runRows(where: string, params: unknown[]): Promise<RunRow[]> {
    const rows = await this.runner.query<RunDbRow>(`SELECT ${this.runColumns} FROM ${this.s}.runs ${where}`, params)
    const live = await liveRunCounts(this.runner, this.s, rows.filter((r) => r.finished_at === null).map((r) => Number(r.id)))
    return rows.map((r) => toLiveRunRow(r, live.get(Number(r.id))))
  }

  async getRun(runId: number): Promise<RunRow | undefined> {
    return (await this.runRows('WHERE id = $1', [runId]))[0]
  }

  async listRuns(limit: number): Promise<RunRow[]> {
    return this.runRows('ORDER BY id DESC LIMIT $1', [limit])
  }

  async enqueue(runId: number, ops: readonly Operation[]): Promise<{ inserted: number; coalesced: number }> {
    if (ops.length === 0) return { inserted: 0, coalesced: 0 }
    return this.writing((tx) => enqueueOps(tx, this.s, this.runner.dialect, runId, ops))
  }

  /**
   * Each service with pending work (all, or those asked for) contributes its first claimable
   * operations, as many as its remaining room under its cap; of those, the first `limit` in the
   * order they came due are taken. Under the queue's lock, nobody else claims meanwhile.
   */
  async claim(workerId: string, options: ClaimOptions): Promise<StoredOperation[]> {
    if (options.limit <= 0) return []
    const caps = options.maxRunningPerService ?? {}
    const rows = await this.bookkeeping(async (tx) => {
      const services =
        options.services?.map(encodeStoreText) ?? (await tx.query<{ service: string }>(pendingServicesSql(this.s))).map((r) => r.service)
      const capped = services.filter((svc) => caps[decodeStoreText(svc)] !== undefined)
      const running = new Map<string, number>()
      if (capped.length > 0) {
        const p = new Params()
        const counts = await tx.query<{ service: string; n: string | number }>(
          `SELECT service, count(*) AS n FROM ${this.s}.operations WHERE status = 'running' AND service IN ${p.list(capped)} GROUP BY service`,
          p.values,
        )
        for (const c of counts) running.set(c.service, Number(c.n))
      }
      const p = new Params()
      const parts: string[] = []
      for (const svc of services) {
        const cap = caps[decodeStoreText(svc)]
        const room = cap === undefined ? options.limit : Math.min(options.limit, Math.max(cap - (running.get(svc) ?? 0), 0))
        if (room > 0) parts.push(`SELECT * FROM (${readySql(this.s, p.add(svc), p.add(room))}) AS p${parts.length}`)
      }
      if (parts.length === 0) return []
      const ready = await tx.query<{ id: string | number; run_at: Date | string; seq: string | number }>(parts.join(' UNION ALL '), p.values)
      if (ready.length === 0) return []
      const time = (v: Date | string) => (v instanceof Date ? v.getTime() : Date.parse(v))
      ready.sort((a, b) => time(a.run_at) - time(b.run_at) || Number(a.seq) - Number(b.seq))
      const q = new Params()
      const worker = q.add(workerId)
      return tx.query<OperationDbRow>(
        `UPDATE ${this.s}.operations SET status = 'running', locked_by = ${worker}, locked_at = now(), attempts = attempts + 1, updated_at = now()
         WHERE id IN ${q.list(ready.slice(0, options.limit).map((r) => Number(r.id)))} AND status = 'pending'
         RETURNING ${operationColumns()}`,
        q.values,
      )
    })
    return rows.map(fromOperationRow).sort((a, b) => a.seq - b.seq)
  }

  async settle(workerId: string, settlements: readonly Settlement[]): Promise<number[]> {
    if (settlements.length === 0) return []
    return this.bookkeeping(async (tx) => {
      const settled: number[] = []
      for (const chunk of chunks(settlements, chunkSize)) settled.push(...(await settleChunk(tx, this.s, this.runner.dialect, workerId, chunk)))
      return settled
    })
  }

  async orders(keys: readonly OrderKey[]): Promise<Map<string, ChangeOrder>> {
    const out = new Map<string, ChangeOrder>()
    const distinct = [...new Map(keys.map((k) => [orderKeyString(k), k])).values()]
    for (const chunk of chunks(distinct, chunkSize)) {
      const p = new Params()
      const rows = await this.runner.query<{ service: string; asset: string; kind: OrderKey['kind']; item: string; ord: string }>(
        `WITH ${valuesCte(this.runner.dialect, p, 'k', ['service', 'asset', 'kind', 'item'], ['text', 'text', 'text', 'text'], chunk.map((k) => [encodeStoreText(k.service), encodeStoreText(k.asset), k.kind, encodeStoreText(k.item)]))}
         SELECT c.service, c.asset, c.kind, c.item, CAST(c.ord AS text) AS ord FROM ${this.s}.change_orders c
         JOIN k ON c.service = k.service AND c.asset = k.asset AND c.kind = k.kind AND c.item = k.item`,
        p.values,
      )
      for (const r of rows) {
        out.set(orderKeyString({ service: decodeStoreText(r.service), asset: decodeStoreText(r.asset), kind: r.kind, item: decodeStoreText(r.item) }), parseStoreJson<ChangeOrder>(r.ord))
      }
    }
    return out
  }

  async reclaimExpired(leaseMs: number): Promise<number> {
    const cutoff = new Date(Date.now() - leaseMs).toISOString()
    const rows = await this.bookkeeping((tx) =>
      tx.query(`UPDATE ${this.s}.operations SET status = 'pending', locked_by = NULL, locked_at = NULL, updated_at = now() WHERE status = 'running' AND locked_at < $1 RETURNING id`, [cutoff]),
    )
    return rows.length
  }

  async reclaimAbandoned(gone: (workerId: string) => boolean): Promise<number> {
    return this.bookkeeping(async (tx) => {
      const holders = await tx.query<{ locked_by: string }>(`SELECT DISTINCT locked_by FROM ${this.s}.operations WHERE status = 'running' AND locked_by IS NOT NULL`)
      const dead = holders.map((h) => h.locked_by).filter((id) => gone(decodeStoreText(id)))
      let reclaimed = 0
      for (const chunk of chunks(dead, chunkSize)) {
        const p = new Params()
        const rows = await tx.query(
          `UPDATE ${this.s}.operations SET status = 'pending', locked_by = NULL, locked_at = NULL, updated_at = now() WHERE status = 'running' AND locked_by IN ${p.list(chunk)} RETURNING id`,
          p.values,
        )
        reclaimed += rows.length
      }
      return reclaimed
    })
  }

  async heartbeat(workerId: string, ids?: readonly number[]): Promise<void> {
    await this.bookkeeping(async (tx) => {
      if (ids === undefined) {
        await tx.query(`UPDATE ${this.s}.operations SET locked_at = now() WHERE status = 'running' AND locked_by = $1`, [workerId])
        return
      }
      for (const chunk of chunks(ids, chunkSize)) {
        const p = new Params()
        const worker = p.add(workerId)
        await tx.query(`UPDATE ${this.s}.operations SET locked_at = now() WHERE status = 'running' AND locked_by = ${worker} AND id IN ${p.list(chunk)}`, p.values)
      }
    })
  }

  /**
   * Runs no process will finish: not finished, older than `olderThanMs`, and with nothing of theirs
   * pending or running. One with no operations at all was left by a process that stopped before it
   * queued anything, and says so in its note; one whose operations all settled lost only its
   * finishing stamp. Both get their counts, as finishRun gives them.
   */
  async closeAbandonedRuns(olderThanMs: number): Promise<number[]> {
    const cutoff = new Date(Date.now() - olderThanMs).toISOString()
    return this.runner.transaction(async (tx) => {
      const runs = await tx.query<{ id: string | number; note: string | null; has_ops: unknown }>(
        `SELECT r.id, r.note, EXISTS (SELECT 1 FROM ${this.s}.operations o WHERE o.run_id = r.id) AS has_ops FROM ${this.s}.runs r
         WHERE r.finished_at IS NULL AND r.started_at < $1
           AND NOT EXISTS (SELECT 1 FROM ${this.s}.operations o WHERE o.run_id = r.id AND o.status IN ('pending', 'running'))`,
        [cutoff],
      )
      const counts = await liveRunCounts(tx, this.s, runs.map((r) => Number(r.id)))
      for (const r of runs) {
        const empty = !(r.has_ops === true || r.has_ops === 1)
        const note = empty ? [r.note, 'abandoned: its process stopped before it queued anything'].filter((x) => x !== null && x !== '').join('; ') : r.note
        await tx.query(`UPDATE ${this.s}.runs SET finished_at = now(), counts = $2, note = $3 WHERE id = $1`, [Number(r.id), JSON.stringify(counts.get(Number(r.id))), note])
      }
      return runs.map((r) => Number(r.id))
    })
  }

  async operations(filter: { runId?: number; status?: StoredStatus; ids?: readonly number[] }): Promise<StoredOperation[]> {
    const out: StoredOperation[] = []
    const page = async (extra: (p: Params) => string[]): Promise<void> => {
      // Pages in queue order (keyset on seq), each small enough for any run's size.
      for (let after: number | undefined; ; ) {
        const p = new Params()
        const where = extra(p)
        if (filter.runId !== undefined) where.push(`run_id = ${p.add(filter.runId)}`)
        if (filter.status !== undefined) where.push(`status = ${p.add(filter.status)}`)
        if (after !== undefined) where.push(`seq > ${p.add(after)}`)
        const rows = await this.runner.query<OperationDbRow>(
          `SELECT ${operationColumns('o')} FROM ${this.s}.operations o ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY o.seq LIMIT ${readPage}`,
          p.values,
        )
        out.push(...rows.map(fromOperationRow))
        if (rows.length < readPage) return
        after = Number(rows[rows.length - 1]!.seq)
      }
    }
    if (filter.ids === undefined) await page(() => [])
    else for (const chunk of chunks(filter.ids, chunkSize)) await page((p) => [`id IN ${p.list(chunk)}`])
    if (filter.ids !== undefined) out.sort((a, b) => a.seq - b.seq)
    return out
  }

  async statuses(runId: number): Promise<{ id: number; status: StoredStatus; attempts: number }[]> {
    const rows = await this.runner.query<{ id: string | number; status: StoredStatus; attempts: string | number }>(
      `SELECT id, status, attempts FROM ${this.s}.operations WHERE run_id = $1 ORDER BY seq`,
      [runId],
    )
    return rows.map((r) => ({ id: Number(r.id), status: r.status, attempts: Number(r.attempts) }))
  }

  async unsettled(runId?: number): Promise<number> {
    const rows = await this.runner.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM ${this.s}.operations WHERE status IN ('pending', 'running') ${runId === undefined ? '' : 'AND run_id = $1'}`,
      runId === undefined ? [] : [runId],
    )
    return Number(rows[0]?.n ?? 0)
  }

  /** Only the newest operation of a key is replayed: see StateStore.replay. */
  async replay(runId: number, ids?: readonly number[]): Promise<number> {
    return this.writing(async (tx) => {
      const select = (p: Params, only: string) =>
        `SELECT o.id FROM ${this.s}.operations o WHERE o.status = 'dead' ${only}
           AND NOT EXISTS (SELECT 1 FROM ${this.s}.operations n WHERE n.key = o.key AND n.seq > o.seq) ORDER BY o.seq`
      const found: number[] = []
      if (ids === undefined) found.push(...(await tx.query<{ id: string | number }>(select(new Params(), ''))).map((r) => Number(r.id)))
      else {
        for (const chunk of chunks(ids, chunkSize)) {
          const p = new Params()
          found.push(...(await tx.query<{ id: string | number }>(select(p, `AND o.id IN ${p.list(chunk)}`), p.values)).map((r) => Number(r.id)))
        }
      }
      if (found.length === 0) return 0
      const [counter] = await tx.query<{ value: string | number }>(takeCounterSql(this.s), [found.length, 'operation_seq'])
      let seq = Number(counter!.value) - found.length
      for (const chunk of chunks(found, chunkSize)) {
        const p = new Params()
        const run = p.add(runId)
        await tx.query(
          `WITH ${valuesCte(this.runner.dialect, p, 'v', ['op_id', 'new_seq'], ['bigint', 'bigint'], chunk.map((id) => [id, ++seq]))}
           UPDATE ${this.s}.operations AS o SET status = 'pending', attempts = 0, run_id = ${run}, seq = v.new_seq, run_at = now(),
             locked_by = NULL, locked_at = NULL, updated_at = now()
           FROM v WHERE o.id = v.op_id`,
          p.values,
        )
      }
      return found.length
    })
  }

  async recordAudit(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return
    await this.runner.transaction(async (tx) => {
      for (const chunk of chunks(entries, chunkSize)) {
        const p = new Params()
        const rows = chunk.map((e) => {
          const v = auditValues(e).map((x) => p.add(x))
          v[10] = `coalesce(${this.runner.dialect.cast(v[10]!, 'timestamptz')}, now())`
          return `(${v.join(', ')})`
        })
        await tx.query(`INSERT INTO ${this.s}.audit (operation_id, run_id, attempt, service, asset, kind, statement, before, after, outcome, at) VALUES ${rows.join(', ')}`, p.values)
      }
    })
  }

  async audit(filter: { runId?: number; operationId?: number }): Promise<AuditEntry[]> {
    const p = new Params()
    const where: string[] = []
    if (filter.runId !== undefined) where.push(`run_id = ${p.add(filter.runId)}`)
    if (filter.operationId !== undefined) where.push(`operation_id = ${p.add(filter.operationId)}`)
    const rows = await this.runner.query<AuditDbRow>(`SELECT ${auditColumns} FROM ${this.s}.audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`, p.values)
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
