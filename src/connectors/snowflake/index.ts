import type { Connector } from '../connector.js'
import { snowflakeConnectionSchema, type SnowflakeConnection } from './snowflake-connection.js'
import { SnowflakeDialect } from './snowflake-dialect.js'

export const snowflakeConnector: Connector<SnowflakeConnection> = {
  name: 'snowflake',
  connectionSchema: snowflakeConnectionSchema,
  createDialect: (connection) => new SnowflakeDialect({ ownershipGrants: connection.ownershipGrants, statementTimeoutMs: connection.statementTimeoutMs }),
  // The client module (and through it snowflake-sdk, a heavy package) loads only when needed.
  // DDL on different objects runs in parallel in a warehouse-less metadata service.
  defaultConcurrency: 2,
  createClient: async (connection, context) => (await import('./snowflake-client.js')).createSnowflakeClient(connection, context),
}
