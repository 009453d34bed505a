import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Database, Statement } from 'better-sqlite3'
import { RevmetaError } from '../errors/revmeta-error.js'
import type { SqlCastType, SqlDialect, SqlExecutor, SqlRunner, TransactionOptions } from './sql-runner.js'
import { classifyStoreError } from './store-errors.js'
import { positionalParams } from './sqlite-params.js'

/** The embedded store's file inside its directory (store.dir). */
export const sqliteFileName = 'revmeta.sqlite'

/** How long a writer waits for another process's write transaction before giving up (ms). */
const busyTimeoutMs = 15_000
/**
 * How long SQLite itself may wait for the write lock, blocking this process's event loop; past it
 * the runner waits asynchronously (timers), so a `serve` whose neighbour holds the lock still
 * answers its other requests.
 */
const syncWaitMs = 20
/** Prepared statements kept per connection; the store's texts are few, batch sizes make a few more. */
const statementCacheSize = 256

/** One file holds one store: its tables are `main`'s, whatever store.schema says; values keep the type they were bound with. */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  tables: () => 'main',
  cast: (expr: string, _type: SqlCastType) => expr,
}

/**
 * The embedded store: SQLite in WAL mode, so several processes (serve, worker, ingest, runs,
 * another apply) share one file: readers never wait, writers take turns on the file's write lock
 * (waiting up to busyTimeoutMs), and a process killed at any moment leaves only whole
 * transactions behind. better-sqlite3 is loaded only when the embedded store is used.
 */
export async function openSqliteRunner(dir: string): Promise<SqlRunner> {
  const root = path.resolve(dir)
  const file = path.join(root, sqliteFileName)
  try {
    await mkdir(root, { recursive: true })
    const { default: BetterSqlite3 } = await import('better-sqlite3')
    const db = new BetterSqlite3(file, { timeout: syncWaitMs })
    try {
      db.pragma('journal_mode = WAL')
      // FULL: a commit reaches the disk before it is acknowledged (a webhook answered 200 is stored
      // even if the machine loses power right after); NORMAL would only be safe against a crash.
      db.pragma('synchronous = FULL')
      db.pragma('foreign_keys = ON')
      // Times are ISO-8601 text in UTC with milliseconds, as Date#toISOString writes them, so that
      // they sort and compare as text, and `now()` reads the same in SQL on both databases.
      db.function('now', { deterministic: false }, () => new Date().toISOString())
    } catch (error) {
      db.close()
      throw error
    }
    return new SqliteRunner(db)
  } catch (cause) {
    if (cause instanceof RevmetaError) throw cause
    throw new RevmetaError('DATABASE_UNREACHABLE', `Cannot open the embedded state store ${file}: ${(cause as Error).message}`, {
      cause,
      details: { store: file },
    })
  }
}

/** The values of `$n` parameters in the order their `?` appear (see positionalParams), each in a form SQLite takes. */
function bindable(params: readonly unknown[], order: readonly number[]): unknown[] {
  return order.map((n) => toSqlite(params[n - 1]))
}

function toSqlite(value: unknown): unknown {
  if (value === undefined || value === null) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'object' && !Buffer.isBuffer(value)) {
    throw new RevmetaError('INTERNAL', 'The SQLite store takes no arrays or objects as parameters: pass JSON text, or one parameter per list item.')
  }
  return value
}

/**
 * One connection per process. Calls wait their turn in one queue: with a single connection, a
 * query issued while another caller's transaction is open would run inside that transaction.
 */
class SqliteRunner implements SqlRunner {
  readonly dialect = sqliteDialect
  private tail: Promise<unknown> = Promise.resolve()
  private closed = false
  private readonly statements = new Map<string, { statement: Statement; order: number[] }>()
  private readonly direct: SqlExecutor

  constructor(private readonly db: Database) {
    this.direct = {
      query: async <T>(sql: string, params: readonly unknown[] = []) => this.run<T>(sql, params),
      exec: async (sql: string) => this.execNow(sql),
    }
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new RevmetaError('INTERNAL', 'The embedded state store is closed.'))
    const run = this.tail.then(task, task)
    this.tail = run.catch(() => {})
    return run
  }

  private prepared(sql: string): { statement: Statement; order: number[] } {
    let prepared = this.statements.get(sql)
    if (prepared === undefined) {
      if (this.statements.size >= statementCacheSize) this.statements.clear()
      const positional = positionalParams(sql)
      prepared = { statement: this.db.prepare(positional.sql), order: positional.order }
      this.statements.set(sql, prepared)
    }
    return prepared
  }

  private run<T>(sql: string, params: readonly unknown[]): T[] {
    try {
      return this.runRaw<T>(sql, params)
    } catch (error) {
      throw classifyStoreError(error, 'query')
    }
  }

  private runRaw<T>(sql: string, params: readonly unknown[]): T[] {
    const { statement, order } = this.prepared(sql)
    const bound = bindable(params, order)
    if (statement.reader) return statement.all(bound) as T[]
    statement.run(bound)
    return []
  }

  private execNow(sql: string): void {
    try {
      this.db.exec(sql)
    } catch (error) {
      throw classifyStoreError(error, 'query')
    }
  }

  /**
   * Runs `step`, which either takes the write lock and does its work or fails before anything
   * happened (a statement on its own, or BEGIN IMMEDIATE), again while another process holds the
   * lock, waiting on timers between tries, up to busyTimeoutMs in all.
   */
  private async whenFree<T>(step: () => T, where: string): Promise<T> {
    const deadline = Date.now() + busyTimeoutMs
    for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
      try {
        return step()
      } catch (error) {
        const code = (error as { code?: unknown }).code
        const busy = typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
        if (!busy || Date.now() >= deadline || this.db.inTransaction) throw classifyStoreError(error, where)
      }
      await new Promise((resolve) => setTimeout(resolve, wait + Math.random() * wait))
    }
  }

  query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.enqueue(() => this.whenFree(() => this.runRaw<T>(sql, params), 'query'))
  }

  exec(sql: string): Promise<void> {
    return this.enqueue(() => this.whenFree(() => this.db.exec(sql), 'query').then(() => undefined))
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.enqueue(async () => {
      // The setting cannot change inside a transaction; it is per connection, and this one is ours alone.
      if (options.relaxed) this.db.pragma('synchronous = NORMAL')
      try {
        // IMMEDIATE: the write lock is taken now, so a transaction never fails halfway for want of it.
        await this.whenFree(() => this.db.exec('BEGIN IMMEDIATE'), 'transaction')
        try {
          const result = await fn(this.direct)
          this.execNow('COMMIT')
          return result
        } catch (error) {
          if (this.db.inTransaction) this.db.exec('ROLLBACK')
          throw error
        }
      } finally {
        if (options.relaxed) this.db.pragma('synchronous = FULL')
      }
    })
  }

  async serialize(): Promise<void> {
    // A transaction here already holds the file's one write lock.
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.tail
    this.statements.clear()
    this.db.close()
  }
}
