import type { Connector } from '../connector.js'
import { clickhouseConnectionSchema, type ClickhouseConnection } from './clickhouse-connection.js'
import { ClickhouseDialect } from './clickhouse-dialect.js'

export const clickhouseConnector: Connector<ClickhouseConnection, ClickhouseDialect> = {
  name: 'clickhouse',
  tier: 'live',
  connectionSchema: clickhouseConnectionSchema,
  createDialect: (connection) => new ClickhouseDialect({ onCluster: connection.onCluster }),
  // The client module (and through it @clickhouse/client or chdb) loads only when a client is really needed.
  createClient: async (connection, context) => (await import('./clickhouse-client.js')).createClickhouseClient(connection, context),
}
