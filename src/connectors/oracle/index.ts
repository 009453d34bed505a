import type { Connector } from '../connector.js'
import { oracleConnectionSchema, type OracleConnection } from './oracle-connection.js'
import { OracleDialect } from './oracle-dialect.js'

/**
 * Oracle. The dialect follows the session: `facts.version` decides whether tags are schema
 * annotations (23ai, 19.28+). Offline it assumes the configured `version`, or none (no tags).
 */
export const oracleConnector: Connector<OracleConnection, OracleDialect> = {
  name: 'oracle',
  tier: 'golden',
  connectionSchema: oracleConnectionSchema,
  createDialect: (connection, facts) => {
    const version = facts?.version ?? connection.version
    return new OracleDialect({ preserveIdentifierCase: connection.preserveIdentifierCase, ...(version !== undefined ? { version } : {}) })
  },
  // The client module (and through it oracledb) loads only when a client is needed.
  createClient: async (connection, context) => (await import('./oracle-client.js')).createOracleClient(connection, context),
}
