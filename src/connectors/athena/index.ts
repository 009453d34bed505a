import type { Connector } from '../connector.js'
import { athenaConnectionSchema, type AthenaConnection } from './athena-connection.js'
import { AthenaDialect } from './athena-dialect.js'

export const athenaConnector: Connector<AthenaConnection> = {
  name: 'athena',
  tier: 'wire',
  connectionSchema: athenaConnectionSchema,
  createDialect: (connection) => new AthenaDialect({ tagPrefix: connection.tagPrefix, ...(connection.catalogId !== undefined ? { catalogId: connection.catalogId } : {}) }),
  // Lanes split by schema (Glue database), so two lanes never update the same table.
  defaultConcurrency: 2,
  // The client module (and through it @aws-sdk/client-glue) loads only when needed.
  createClient: async (connection, context) => (await import('./athena-client.js')).createAthenaClient(connection, context),
}
