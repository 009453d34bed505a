import type { Connector } from '../connector.js'
import { mssqlConnectionSchema, type MssqlConnection } from './mssql-connection.js'
import { MssqlDialect } from './mssql-dialect.js'

/** SQL Server and Azure SQL: extended properties for descriptions and tags, ALTER AUTHORIZATION for owners. */
export const mssqlConnector: Connector<MssqlConnection, MssqlDialect> = {
  name: 'mssql',
  tier: 'golden',
  connectionSchema: mssqlConnectionSchema,
  createDialect: (connection) => new MssqlDialect({ tagPrefix: connection.tagPrefix }),
  // The client module (and through it mssql and tedious) loads only when a client is needed.
  createClient: async (connection, context) => (await import('./mssql-client.js')).createMssqlClient(connection, context),
}
