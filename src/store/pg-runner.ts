import type { Pool, PoolClient } from 'pg'
import { RevmetaError } from '../errors/revmeta-error.js'
import type { SqlCastType, SqlDialect, SqlExecutor, SqlRunner } from './sql-runner.js'
import { classifyStoreError } from './store-errors.js'

export interface PgRunnerOptions {
  readonly url: string
  /** Connections kept by this process; a worker needs few, since each call is one short transaction. */
  readonly poolSize?: number
  /** Bound on opening a connection (default 10 s). */
  readonly connectTimeoutMs?: number
  /** Server-side statement_timeout of store connections (default 30 s); 0: none. */
  readonly statementTimeoutMs?: number
  /** Client-side bound on waiting for one answer (pg query_timeout, default 45 s): ends the wait on a silent network. 0: none. */
  readonly queryTimeoutMs?: number
  /** An unused connection is closed after this long (default 30 s); TCP keep-alive starts after it too. */
  readonly idleTimeoutMs?: number
}

export const storeTimeoutDefaults = { connectTimeoutMs: 10_000, statementTimeoutMs: 30_000, queryTimeoutMs: 45_000, idleTimeoutMs: 30_000 } as const

/** The URL with its password hidden, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@')
  }
}

/** `{ key: ms }` when `ms` bounds something; 0 means no bound, which pg expresses by leaving the key out. */
function positive(key: string, ms: number): Record<string, number> {
  return ms > 0 ? { [key]: ms } : {}
}

/** A pg Pool on `store.url`; pg is loaded only when a PostgreSQL store is configured. */
export async function openPgRunner(options: PgRunnerOptions): Promise<SqlRunner> {
  const { default: pg } = await import('pg')
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? storeTimeoutDefaults.connectTimeoutMs,
    ...positive('statement_timeout', options.statementTimeoutMs ?? storeTimeoutDefaults.statementTimeoutMs),
    ...positive('query_timeout', options.queryTimeoutMs ?? storeTimeoutDefaults.queryTimeoutMs),
    idleTimeoutMillis: options.idleTimeoutMs ?? storeTimeoutDefaults.idleTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: options.idleTimeoutMs ?? storeTimeoutDefaults.idleTimeoutMs,
    application_name: 'revmeta-store',
    // Short, index-driven statements: compiling them with JIT costs far more than it saves.
    options: '-c jit=off',
  })
  // An idle connection that breaks (server restart, proxy drop) must not crash the process:
  // the pool discards it and the next query opens a fresh one.
  pool.on('error', () => {})
  const runner = new PgRunner(pool)
  try {
    await pool.query('SELECT 1')
  } catch (cause) {
    await pool.end().catch(() => {})
    const message = cause instanceof Error ? cause.message : String(cause)
    throw new RevmetaError('CONNECTION_FAILED', `Cannot reach the state store at ${redactUrl(options.url)}: ${message}`, {
      cause,
      retryable: true,
      details: { store: redactUrl(options.url) },
    })
  }
  return runner
}

/** Schemas are quoted identifiers (openStore admits plain ones only); casts are PostgreSQL's own. */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  tables: (schema: string) => `"${schema.replaceAll('"', '""')}"`,
  cast: (expr: string, type: SqlCastType) => `CAST(${expr} AS ${type})`,
}

class PgRunner implements SqlRunner {
  readonly dialect = postgresDialect

  constructor(private readonly pool: Pool) {}

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    try {
      return (await this.pool.query(sql, params as unknown[])).rows as T[]
    } catch (error) {
      throw classifyStoreError(error, 'query')
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.pool.query(sql)
    } catch (error) {
      throw classifyStoreError(error, 'query')
    }
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    let client: PoolClient
    try {
      client = await this.pool.connect()
    } catch (error) {
      throw classifyStoreError(error, 'connect')
    }
    let broken: Error | undefined
    // Checked out, the client has no 'error' listener of the pool's: a connection reset would be
    // an unhandled 'error' event and crash the process. The pending query rejects with it anyway.
    const onError = () => {}
    client.on('error', onError)
    try {
      await client.query('BEGIN')
      const result = await fn(clientExecutor(client))
      await client.query('COMMIT')
      return result
    } catch (error) {
      const coded = classifyStoreError(error, 'transaction')
      // A connection that went silent or broke cannot roll back (a silent one would only make the
      // caller wait for a second timeout): destroying it ends the transaction on the server.
      if (coded instanceof RevmetaError && coded.code === 'CONNECTION_FAILED') broken = coded
      else {
        try {
          await client.query('ROLLBACK')
        } catch (rollbackError) {
          broken = rollbackError as Error
        }
      }
      throw coded
    } finally {
      // A connection whose rollback failed is in an unknown state: destroy it, not reuse it.
      client.off('error', onError)
      client.release(broken)
    }
  }

  async serialize(tx: SqlExecutor, name: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1)::bigint)', [name])
  }

  async close(): Promise<void> {
    await this.pool.end()
  }
}

function clientExecutor(client: PoolClient): SqlExecutor {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      return (await client.query(sql, params as unknown[])).rows as T[]
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql)
    },
  }
}
