import type { ClickhouseErrorContext } from './clickhouse-errors.js'

/**
 * The one thing that differs between a ClickHouse server and chdb: how a statement travels.
 * Each call carries exactly one statement (ClickHouse's HTTP interface takes one per request);
 * the client above it decides what to run and in which order.
 */
export interface ClickhouseRunner {
  /** Where errors happened, for messages: never holds the password. */
  readonly context: ClickhouseErrorContext
  /** Runs one statement and resolves once the engine has finished it. */
  command(sql: string): Promise<void>
  /** Runs one query whose `{name:Type}` placeholders the engine binds from `params`. */
  rows<T>(sql: string, params: Readonly<Record<string, unknown>>): Promise<T[]>
  close(): Promise<void>
}
