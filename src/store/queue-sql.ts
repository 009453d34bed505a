import type { SqlCastType, SqlDialect } from './sql-runner.js'
import { storedStatuses } from './state-store.js'

/**
 * Helpers for the queue's statements, written once in the SQL both PostgreSQL and SQLite speak
 * (see SqlDialect). Batches travel as multi-row VALUES lists with one parameter per value: SQLite
 * has no arrays, and both databases bind a few thousand parameters faster than they parse JSON.
 */

/** Rows per statement: 20,000 operations take a few dozen statements, and a statement stays far below SQLite's 32,766 parameters. */
export const chunkSize = 1_000

/** Parameters of one statement, numbered as they are added: `sql` reads in the order values are bound. */
export class Params {
  readonly values: unknown[] = []

  add(value: unknown): string {
    this.values.push(value)
    return `$${this.values.length}`
  }

  /** `IN (…)` list of `items`, one parameter each. */
  list(items: readonly unknown[]): string {
    return `(${items.map((v) => this.add(v)).join(', ')})`
  }
}

/**
 * `name(columns) AS (VALUES (…), (…))` for a CTE, each value cast as `types` says so that
 * PostgreSQL knows the type of a parameter it cannot infer (SQLite keeps values as bound).
 */
export function valuesCte(dialect: SqlDialect, p: Params, name: string, columns: readonly string[], types: readonly SqlCastType[], rows: readonly (readonly unknown[])[]): string {
  const body = rows.map((row) => `(${row.map((v, i) => dialect.cast(p.add(v), types[i]!)).join(', ')})`).join(', ')
  return `${name}(${columns.join(', ')}) AS (VALUES ${body})`
}

/**
 * Per key, only the lowest-seq unsettled operation may run, and never beside a running one of
 * the same key: this keeps an older change from landing after a newer one, across workers.
 */
export const headOfKey = (s: string, o: string) => `
  NOT EXISTS (
    SELECT 1 FROM ${s}.operations e
    WHERE e.key = ${o}.key AND e.status IN ('pending', 'running') AND e.id <> ${o}.id
      AND (e.seq < ${o}.seq OR e.status = 'running'))`

/**
 * The services with pending work, by a loose index scan over operations_claim_due (one index
 * probe per service): a long queue costs nothing here.
 */
export const pendingServicesSql = (s: string) => `
  WITH RECURSIVE svc(service) AS (
    SELECT (SELECT o.service FROM ${s}.operations o WHERE o.status = 'pending' ORDER BY o.service LIMIT 1)
    UNION ALL
    SELECT (SELECT o.service FROM ${s}.operations o WHERE o.status = 'pending' AND o.service > svc.service ORDER BY o.service LIMIT 1)
    FROM svc WHERE svc.service IS NOT NULL)
  SELECT service FROM svc WHERE service IS NOT NULL`

/**
 * The first claimable operations of one service, in the order they came due (then by seq; see
 * migration 0005), from its own index range: a busy service never makes the claim walk past
 * another's rows. `service` and `limit` are parameter placeholders.
 */
export const readySql = (s: string, service: string, limit: string) => `
  SELECT o.id, o.run_at, o.seq FROM ${s}.operations o
  WHERE o.service = ${service} AND o.status = 'pending' AND o.run_at <= now() AND ${headOfKey(s, 'o')}
  ORDER BY o.run_at, o.seq LIMIT ${limit}`

/** A counter's next `n` values end at the value returned (the counters table replaces sequences). */
export const takeCounterSql = (s: string) => `UPDATE ${s}.counters SET value = value + $1 WHERE name = $2 RETURNING value`

