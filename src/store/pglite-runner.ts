import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { PGlite, Transaction } from '@electric-sql/pglite'
import { RevmetaError } from '../errors/revmeta-error.js'
import { postgresDialect } from './pg-runner.js'
import type { SqlExecutor, SqlRunner } from './sql-runner.js'
import { acquireStoreLock, type StoreLock } from './store-lock.js'

/**
 * An older revmeta's embedded store: PGlite with its data directory at `dir` (created with its
 * parents), opened only to copy it into the SQLite store (`revmeta store upgrade`) and by tests
 * that build such a store. PGlite runs PostgreSQL inside the process, so a second process on the
 * same directory would corrupt it: `<dir>.lock` (the lock file older revmetas took too) admits
 * one. `locked`: the caller already holds that lock (the upgrade keeps it past this runner).
 */
export async function openPgliteRunner(dir: string, options: { locked?: boolean } = {}): Promise<SqlRunner> {
  const dataDir = path.resolve(dir)
  await mkdir(path.dirname(dataDir), { recursive: true })
  const lock: StoreLock = options.locked ? { path: `${dataDir}.lock`, release: async () => {} } : await acquireStoreLock(`${dataDir}.lock`)
  try {
    const { PGlite } = await import('@electric-sql/pglite')
    const db = await PGlite.create({ dataDir })
    return new PgliteRunner(db, lock)
  } catch (cause) {
    await lock.release()
    if (cause instanceof RevmetaError) throw cause
    throw new RevmetaError('DATABASE_UNREACHABLE', `Cannot open the PGlite store in ${dataDir}: ${(cause as Error).message}`, {
      cause,
      details: { store: dataDir },
    })
  }
}

/**
 * PGlite has a single connection: a query issued while another caller's transaction is open
 * would run inside that transaction. Every call therefore waits its turn in one queue.
 */
class PgliteRunner implements SqlRunner {
  readonly dialect = postgresDialect
  private tail: Promise<unknown> = Promise.resolve()
  private closed = false

  constructor(
    private readonly db: PGlite,
    private readonly lock: StoreLock,
  ) {}

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new RevmetaError('INTERNAL', 'The PGlite store is closed.'))
    const run = this.tail.then(task, task)
    this.tail = run.catch(() => {})
    return run
  }

  query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.enqueue(async () => (await this.db.query<T>(sql, params as unknown[])).rows)
  }

  exec(sql: string): Promise<void> {
    return this.enqueue(async () => {
      await this.db.exec(sql)
    })
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.enqueue(() => this.db.transaction((tx) => fn(txExecutor(tx))))
  }

  async serialize(): Promise<void> {
    // One connection, one process (the lock file): nothing to serialize with.
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.tail
    try {
      await this.db.close()
    } finally {
      await this.lock.release()
    }
  }
}

function txExecutor(tx: Transaction): SqlExecutor {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      return (await tx.query<T>(sql, params as unknown[])).rows
    },
    async exec(sql: string): Promise<void> {
      await tx.exec(sql)
    },
  }
}
