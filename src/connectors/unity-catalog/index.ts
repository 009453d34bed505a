import { dialectOptionsOf } from '../databricks/databricks-connection.js'
import type { Connector } from '../connector.js'
import { unityCatalogConnectionSchema, type UnityCatalogConnection } from './unity-catalog-connection.js'
import { UnityCatalogDialect } from './unity-catalog-dialect.js'

export const unityCatalogConnector: Connector<UnityCatalogConnection> = {
  name: 'unity-catalog',
  tier: 'wire',
  connectionSchema: unityCatalogConnectionSchema,
  createDialect: (connection) => new UnityCatalogDialect(dialectOptionsOf(connection)),
  defaultConcurrency: 2,
  createClient: async (connection, context) => (await import('./unity-catalog-client.js')).createUnityCatalogClient(connection, context),
}
