import { dialectOptionsOf } from './databricks-connection.js'
import type { Connector } from '../connector.js'
import { databricksConnectionSchema, type DatabricksConnection } from './databricks-connection.js'
import { DatabricksDialect } from './databricks-dialect.js'

export const databricksConnector: Connector<DatabricksConnection> = {
  name: 'databricks',
  tier: 'wire',
  connectionSchema: databricksConnectionSchema,
  createDialect: (connection) => new DatabricksDialect(dialectOptionsOf(connection)),
  // Two batches share the warehouse: each statement is its own request, so they overlap their waits.
  defaultConcurrency: 2,
  createClient: async (connection, context) => (await import('./databricks-client.js')).createDatabricksClient(connection, context),
}
