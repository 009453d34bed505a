import { postgresSystemSchemas, schemaListSqlExcluding } from '../postgres/postgres-read-back.js'

/**
 * Schemas Redshift keeps for itself beside PostgreSQL's. The Redshift documentation does not list
 * them; these are the ones clusters show and other Redshift tools leave out: pg_internal
 * (internal catalog), pg_automv (automatic materialized views), pg_auto_copy, pg_mv, pg_s3 and
 * catalog_history (the system's own history tables).
 */
export const redshiftSystemSchemas: readonly string[] = [
  ...postgresSystemSchemas,
  'pg_internal',
  'pg_automv',
  'pg_auto_copy',
  'pg_mv',
  'pg_s3',
  'catalog_history',
]

/** Redshift's schema listing; everything else of the read-back is PostgreSQL's. */
export const redshiftSchemaListSql = schemaListSqlExcluding(redshiftSystemSchemas)
