import type { Connector } from '../connector.js'
import { redshiftConnectionSchema, type RedshiftConnection } from './redshift-connection.js'
import { RedshiftDialect } from './redshift-dialect.js'
import { redshiftSchemaListSql } from './redshift-read-back.js'

/**
 * Redshift speaks the PostgreSQL wire protocol, so the PostgreSQL client and read-back serve it;
 * only the dialect differs, and the schema listing, which must also hide Redshift's own system
 * schemas. The client's one connection per database also meets Redshift's rule that COMMENT ON
 * DATABASE only works on the current database.
 */
export const redshiftConnector: Connector<RedshiftConnection> = {
  name: 'redshift',
  connectionSchema: redshiftConnectionSchema,
  createDialect: () => new RedshiftDialect(),
  // Comments on different tables take different locks, so two sessions overlap well.
  defaultConcurrency: 2,
  createClient: async (connection, context) =>
    (await import('../postgres/postgres-client.js')).createPostgresClient(connection, context, { schemaListSql: redshiftSchemaListSql }),
}
