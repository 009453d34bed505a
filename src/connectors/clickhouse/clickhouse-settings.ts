import { RevmetaError } from '../../errors/revmeta-error.js'

/** ClickHouse settings as the HTTP interface and `SET` take them: names to whole numbers. */
export type ClickhouseSettings = Readonly<Record<string, number>>

/**
 * Settings every statement runs under. lock_acquire_timeout is in seconds (whole seconds on
 * older servers), so milliseconds round up: a wait is never cut shorter than configured.
 * 0 means no limit, as it does for PostgreSQL's lock_timeout.
 */
export function sessionSettings(lockTimeoutMs: number): ClickhouseSettings {
  if (!Number.isSafeInteger(lockTimeoutMs) || lockTimeoutMs < 0 || lockTimeoutMs > 2_147_483_647) {
    throw new RevmetaError('VALUE_INVALID', `lockTimeoutMs must be an integer from 0 to 2147483647, not ${String(lockTimeoutMs)}`, { details: { engine: 'clickhouse' } })
  }
  return { lock_acquire_timeout: Math.ceil(lockTimeoutMs / 1000) }
}

/** The same settings as `SET` statements, for a session that keeps them (chdb). */
export function renderSettings(settings: ClickhouseSettings): string[] {
  return Object.entries(settings).map(([name, value]) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name) || !Number.isSafeInteger(value)) {
      throw new RevmetaError('INTERNAL', `Not a ClickHouse setting: ${JSON.stringify(name)} = ${String(value)}`)
    }
    return `SET ${name} = ${value}`
  })
}

/**
 * Settings for statements sent over HTTP. wait_end_of_query buffers the response, so an error
 * raised while an ON CLUSTER statement reports its hosts arrives as an HTTP error, not in the middle
 * of a 200 body. With ON CLUSTER the server waits for every host up to distributed_ddl_task_timeout
 * (180 s by default); ending that wait just before the request times out turns a slow host into the
 * server's own TIMEOUT_EXCEEDED, which names the hosts, instead of a bare client timeout.
 */
export function httpCommandSettings(options: { readonly onCluster?: string; readonly requestTimeoutMs: number }): ClickhouseSettings {
  if (options.onCluster === undefined) return { wait_end_of_query: 1 }
  return { wait_end_of_query: 1, distributed_ddl_task_timeout: Math.max(1, Math.floor(options.requestTimeoutMs / 1000) - 1) }
}
