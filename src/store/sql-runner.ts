/** Runs SQL on one connection: either the pool's next free one, or a transaction's own. */
export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>
}

/** Types a parameter may need to be cast to where the database cannot infer it (VALUES lists, CASE arms). */
export type SqlCastType = 'json' | 'jsonb' | 'bigint' | 'integer' | 'text' | 'timestamptz' | 'boolean'

/**
 * What differs between the two databases the store runs on (PostgreSQL and the embedded SQLite),
 * kept to the few spots where one portable SQL text cannot serve both. The store's queries are
 * written once, in the subset both speak (`$n` parameters, CTEs, RETURNING, ON CONFLICT, partial
 * indexes, window functions, `now()`), and use these for the rest.
 */
export interface SqlDialect {
  readonly name: 'postgres' | 'sqlite'
  /** Prefix of the store's tables for `schema`: `"schema"` on PostgreSQL, `main` on SQLite (one file is one store). */
  tables(schema: string): string
  /** `expr` typed as `type` where PostgreSQL cannot infer it; SQLite stores values as given, so unchanged there. */
  cast(expr: string, type: SqlCastType): string
}

export interface TransactionOptions {
  /**
   * Bookkeeping that a power cut may take back without loss: the queue's claims, settlements,
   * heartbeats and audit, which are done again (and read back first) if they vanish. The embedded
   * store then commits without waiting for the disk (SQLite's synchronous=NORMAL in WAL mode: safe
   * against a crash or kill -9 of the process, and made durable by the next full commit); what
   * revmeta acknowledges to anyone (received events, queued runs, tokens, channels) never is.
   * PostgreSQL commits every transaction durably.
   */
  readonly relaxed?: boolean
}

/**
 * The little the state store needs from a database, so one store class serves PostgreSQL (a
 * pool, real concurrency) and SQLite (one connection per process, several processes). Parameters
 * are `$1`, `$2`, … on both; pass JSON as a string (JSON.stringify or encodeStoreJson), times as
 * ISO strings or Dates, lists through `IN (…)` of separate parameters (no arrays: SQLite has none).
 * Read JSON columns as `CAST(col AS text)` and parse them, ids through Number(), booleans through
 * Boolean(), times through new Date(): each database hands them back in its own form.
 */
export interface SqlRunner extends SqlExecutor {
  readonly dialect: SqlDialect
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>
  /**
   * Inside a transaction: waits until no other transaction that called it with the same `name`
   * (in any process) is still open. PostgreSQL takes a transaction-scoped advisory lock; SQLite
   * transactions already hold the database's one write lock from their start (BEGIN IMMEDIATE).
   */
  serialize(tx: SqlExecutor, name: string): Promise<void>
  close(): Promise<void>
}
