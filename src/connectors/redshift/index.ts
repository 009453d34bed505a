import type { Connector } from '../connector.js'
import { redshiftConnectionSchema, type RedshiftConnection } from './redshift-connection.js'
import { RedshiftDialect } from './redshift-dialect.js'
import { redshiftQueries } from './redshift-read-back.js'

/**
 * Redshift speaks the PostgreSQL wire protocol, so the PostgreSQL client serves it, with
 * Redshift's own read-back queries (no array parameters, no comment functions: see
 * redshift-read-back.ts) and its schema listing; the rows map as PostgreSQL's. The client's one
 * connection per database meets Redshift's rule that COMMENT ON DATABASE only works on the
 * current database, and lets the database's own pg_description be read for its comment.
 */
export const redshiftConnector: Connector<RedshiftConnection, RedshiftDialect> = {
  name: 'redshift',
  tier: 'live',
  connectionSchema: redshiftConnectionSchema,
  createDialect: () => new RedshiftDialect(),
  // Comments on different tables take different locks, so two sessions overlap well.
  defaultConcurrency: 2,
  createClient: async (connection, context) =>
    (await import('../postgres/postgres-client.js')).createPostgresClient(connection, context, redshiftQueries),
}
