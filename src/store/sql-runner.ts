/** Runs SQL on one connection: either the pool's next free one, or a transaction's own. */
export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>
}

/**
 * The little the state store needs from a database, so one store class serves PostgreSQL (a
 * pool, real concurrency) and PGlite (one connection, serialized). Parameters follow node-pg:
 * pass JSON as a string (`JSON.stringify`) and cast it in SQL (`$1::json`), arrays as arrays.
 */
export interface SqlRunner extends SqlExecutor {
  /** 'postgres' when several processes may share the store, so cross-process locks matter. */
  readonly kind: 'postgres' | 'pglite'
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>
  close(): Promise<void>
}
