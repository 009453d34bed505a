import type { Connector } from '../connector.js'
import { snowflakeConnectionSchema, type SnowflakeConnection } from './snowflake-connection.js'
import { SnowflakeDialect } from './snowflake-dialect.js'

export const snowflakeConnector: Connector<SnowflakeConnection> = {
  name: 'snowflake',
  tier: 'wire',
  connectionSchema: snowflakeConnectionSchema,
  createDialect: (connection) =>
    new SnowflakeDialect({
      ownershipGrants: connection.ownershipGrants,
      statementTimeoutMs: connection.statementTimeoutMs,
      tags: { createTags: connection.createTags, ...(connection.tagSchema !== undefined ? { tagSchema: connection.tagSchema } : {}) },
    }),
  // The client module (and through it snowflake-sdk, a heavy package) loads only when needed.
  // Two batches share the one session; each statement is its own request, so they interleave
  // without waiting on each other's round trips.
  defaultConcurrency: 2,
  createClient: async (connection, context) => (await import('./snowflake-client.js')).createSnowflakeClient(connection, context),
}
