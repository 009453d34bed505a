import type { Connector } from '../connector.js'
import { postgresConnectionSchema, type PostgresConnection } from './postgres-connection.js'
import { PostgresDialect } from './postgres-dialect.js'

export const postgresConnector: Connector<PostgresConnection, PostgresDialect> = {
  name: 'postgres',
  tier: 'live',
  connectionSchema: postgresConnectionSchema,
  createDialect: () => new PostgresDialect(),
  // The client module (and through it `pg`) loads only when a client is really needed.
  // Comments on different tables take different locks, so two sessions overlap well.
  defaultConcurrency: 2,
  createClient: async (connection, context) => (await import('./postgres-client.js')).createPostgresClient(connection, context),
}
