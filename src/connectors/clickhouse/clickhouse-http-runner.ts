import { KnownSecrets } from '../kit/known-secrets.js'
import { readPasswordFile } from '../kit/password-file.js'
import { RevmetaError } from '../../errors/revmeta-error.js'
import type { ClickhouseHttpConnection } from './clickhouse-connection.js'
import type { ClickhouseErrorContext } from './clickhouse-errors.js'
import type { ClickhouseRunner } from './clickhouse-runner.js'
import { httpCommandSettings, sessionSettings } from './clickhouse-settings.js'

/**
 * A runner on the official @clickhouse/client (loaded only now). No HTTP session: settings travel
 * with every request, so any replica behind a load balancer can serve any statement.
 */
export async function openHttpRunner(connection: ClickhouseHttpConnection): Promise<ClickhouseRunner> {
  const { createClient, ClickHouseLogLevel } = await import('@clickhouse/client')
  const password = connection.passwordFile !== undefined ? await readPasswordFile(connection.passwordFile) : connection.password
  const context: ClickhouseErrorContext = {
    mode: 'http',
    where: withoutCredentials(connection.url),
    secrets: new KnownSecrets(password).list,
  }
  const client = createClient({
    url: connection.url,
    username: connection.username,
    password: password ?? '',
    database: connection.database,
    request_timeout: connection.requestTimeoutMs,
    clickhouse_settings: sessionSettings(connection.lockTimeoutMs),
    application: 'revmeta',
    // Failures come back as coded errors; the client's own console logging would repeat them.
    log: { level: ClickHouseLogLevel.OFF },
  })
  const commandSettings = httpCommandSettings(connection)
  return {
    context,
    async command(sql) {
      await client.command({ query: sql, clickhouse_settings: commandSettings })
    },
    async rows<T>(sql: string, params: Readonly<Record<string, unknown>>) {
      const result = await client.query({ query: sql, format: 'JSONEachRow', query_params: { ...params } })
      return result.json<T>()
    },
    async close() {
      await client.close()
    },
  }
}


/** The URL as messages may show it: a user:password@ part is dropped. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    return parsed.toString()
  } catch {
    return url
  }
}
