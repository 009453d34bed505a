import type { Connector } from '../connector.js'
import { duckdbConnectionSchema, type DuckdbConnection } from './duckdb-connection.js'
import { DuckdbDialect } from './duckdb-dialect.js'

/** DuckDB in process: one database file (or memory), its catalog name as the FQN's database part. */
export const duckdbConnector: Connector<DuckdbConnection, DuckdbDialect> = {
  name: 'duckdb',
  tier: 'live',
  connectionSchema: duckdbConnectionSchema,
  createDialect: () => new DuckdbDialect(),
  // The client module (and through it the native DuckDB binding) loads only when a client is needed.
  createClient: async (connection, context) => (await import('./duckdb-client.js')).createDuckdbClient(connection, context),
}
