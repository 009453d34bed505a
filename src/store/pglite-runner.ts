import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { PGlite, Transaction } from '@electric-sql/pglite'
import { RevmetaError } from '../errors/revmeta-error.js'
import { postgresDialect } from './pg-runner.js'
import type { SqlExecutor, SqlRunner } from './sql-runner.js'
import { acquireStoreLock, type StoreLock } from './store-lock.js'

/**
 * An older revmeta's embedded store: PGlite under `dir`, read only to copy it into the SQLite
 * store (`revmeta store upgrade`). PGlite under `dir` (created with its parents), guarded by `<dir>.lock` so that only
 * one process opens it. PGlite is loaded only when the embedded store is used.
 */
export async function openPgliteRunner(dir: string): Promise<SqlRunner> {
  const dataDir = path.resolve(dir)
  await mkdir(path.dirname(dataDir), { recursive: true })
  const lock = await acquireStoreLock(`${dataDir}.lock`)
  try {
    const { PGlite } = await import('@electric-sql/pglite')
    const db = await PGlite.create({ dataDir })
    return new PgliteRunner(db, lock)
  } catch (cause) {
    await lock.release()
    if (cause instanceof RevmetaError) throw cause
    throw new RevmetaError('DATABASE_UNREACHABLE', `Cannot open the embedded state store in ${dataDir}: ${(cause as Error).message}`, {
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
    if (this.closed) return Promise.reject(new RevmetaError('INTERNAL', 'The embedded state store is closed.'))
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
