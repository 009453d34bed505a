import type { Connector } from '../connector.js'
import { PostgresDialect } from '../postgres/postgres-dialect.js'
import { pgliteConnectionSchema, type PgliteConnection } from './pglite-connection.js'

/** PostgreSQL compiled to WebAssembly, in process: same SQL, same read-back, no server. */
export const pgliteConnector: Connector<PgliteConnection, PostgresDialect> = {
  name: 'pglite',
  tier: 'live',
  connectionSchema: pgliteConnectionSchema,
  createDialect: () => new PostgresDialect(),
  createClient: async (connection, context) => (await import('./pglite-client.js')).createPgliteClient(connection, context),
}
