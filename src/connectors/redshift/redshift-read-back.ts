import { RevmetaError } from '../../errors/revmeta-error.js'
import { redshiftPrivilegeQueries } from '../postgres/postgres-privileges.js'
import { postgresSystemSchemas, schemaListSqlExcluding, type PostgresProtocolQueries, type ReadBackQuery } from '../postgres/postgres-read-back.js'

/**
 * Redshift's read-back. Its rows are PostgreSQL's ObjectRow / DatabaseRow, mapped by the same
 * addObjectRows / addDatabaseRows; only the SQL differs, because Redshift (PostgreSQL 8.0.2 at
 * heart) lacks what PostgreSQL's query leans on. Not yet run on a real cluster: the choices below
 * rest on the Redshift documentation and on what other Redshift tools send.
 *
 * - No arrays: "Array functions and operators" are unsupported (AWS, Unsupported PostgreSQL
 *   functions), so no `= ANY($1::text[])`; schemas come as an IN list of `$1, $2, …`, values bound.
 * - No comment or catalog functions: "Comment information functions" (obj_description,
 *   shobj_description) and "System catalog information functions" (pg_get_userbyid) are on that
 *   same list. Comments are joined from pg_description, which AWS lists as completely accessible
 *   in catalog queries (Querying the catalog tables) and which holds the full text, unlike the
 *   SVV_* views' remarks (varchar 128/256). Owners are joined from pg_user (usesysid → usename),
 *   as sqlalchemy-redshift and OpenMetadata's Redshift source do; Redshift objects belong to users.
 * - Relation kinds: 'r' tables and 'v' views. Redshift has no 'p', 'm' or 'f' kinds: materialized
 *   views are kind 'v' (dbt-redshift tells them apart only through their definition), so they read
 *   back as views, which the dialect comments and owns exactly as materialized views anyway.
 *   Spectrum (external) tables are not in pg_class at all, and late-binding views have no
 *   pg_attribute rows (their columns come from pg_get_late_binding_view_cols()); COMMENT supports
 *   neither external tables nor late-binding view columns.
 * - Every table read is a PG_ catalog, so the query runs on the leader node alone, never mixing
 *   with compute-node tables (which Redshift refuses for leader-only catalogs).
 */

/** Schemas Redshift keeps for itself beside PostgreSQL's: undocumented; these are the ones clusters show and other Redshift tools leave out. */
export const redshiftSystemSchemas: readonly string[] = [
  ...postgresSystemSchemas,
  'pg_internal', // internal catalog
  'pg_automv', // automatic materialized views
  'pg_auto_copy',
  'pg_mv',
  'pg_s3',
  'catalog_history', // the system's own history tables
]

/** Redshift's schema listing. */
export const redshiftSchemaListSql = schemaListSqlExcluding(redshiftSystemSchemas)

/** The relation kinds Redshift has ('r' table, 'v' view and materialized view); objectTypeOfRelkind maps both. */
export const redshiftRelkinds: readonly string[] = ['r', 'v']

/**
 * Schemas per query. Each is one bound parameter, reused in the three IN lists; the protocol's
 * Bind message counts parameters in 16 bits, and Redshift documents no lower limit, so this stays
 * far below both and keeps the statement text small.
 */
export const redshiftSchemasPerQuery = 500

/** `$1, $2, …, $count`: placeholders only, never values. */
function placeholders(count: number): string {
  if (!Number.isSafeInteger(count) || count < 1 || count > redshiftSchemasPerQuery) {
    throw new RevmetaError('INTERNAL', `A Redshift read-back query takes 1 to ${redshiftSchemasPerQuery} schemas, not ${String(count)}`)
  }
  return Array.from({ length: count }, (_, i) => `$${i + 1}`).join(', ')
}

const relkindList = `(${redshiftRelkinds.map((kind) => `'${kind}'`).join(',')})`

/**
 * Every schema, relation and column of `count` schemas named in $1..$count, in one round trip;
 * rows as PostgreSQL's schemaReadBackSql (ObjectRow). The classoid filters use regclass
 * literals, which Redshift's own COMMENT examples use ('public.sales'::regclass).
 */
export function redshiftSchemaReadBackSql(count: number): string {
  const names = placeholders(count)
  return `SELECT 'schema'::text AS level, n.nspname::text AS schema_name, NULL::text AS table_name,
       NULL::text AS column_name, NULL::text AS relkind, u.usename::text AS owner,
       d.description AS description
  FROM pg_catalog.pg_namespace n
  LEFT JOIN pg_catalog.pg_user u ON u.usesysid = n.nspowner
  LEFT JOIN pg_catalog.pg_description d
    ON d.objoid = n.oid AND d.classoid = 'pg_catalog.pg_namespace'::regclass AND d.objsubid = 0
 WHERE n.nspname IN (${names})
UNION ALL
SELECT 'table', n.nspname::text, c.relname::text, NULL, c.relkind::text, u.usename::text, d.description
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_user u ON u.usesysid = c.relowner
  LEFT JOIN pg_catalog.pg_description d
    ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
 WHERE n.nspname IN (${names}) AND c.relkind IN ${relkindList}
UNION ALL
SELECT 'column', n.nspname::text, c.relname::text, a.attname::text, c.relkind::text, NULL, d.description
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_description d
    ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
 WHERE n.nspname IN (${names}) AND c.relkind IN ${relkindList} AND a.attnum > 0 AND NOT a.attisdropped`
}

/**
 * Owner and comment of the database named in $1 (DatabaseRow), read on a connection to it.
 *
 * The comment is looked for where PostgreSQL 8.0 kept it: in that database's own pg_description
 * under classoid pg_database. pg_shdescription (and shobj_description) only came with
 * PostgreSQL 8.2, AWS does not list it among the catalogs Redshift serves, and Redshift's COMMENT
 * keeps 8.0's rule that a database comment applies only to the current database (other databases
 * cannot see this one's pg_description: PostgreSQL 8.0 comment.c). This is inferred, not yet seen
 * on a cluster: were Redshift to keep it elsewhere, a written database description would read
 * back as none and its verification would fail loudly (VERIFY_MISMATCH).
 */
export const redshiftDatabaseReadBackSql = `SELECT d.datname::text AS database_name, u.usename::text AS owner, ds.description AS description
  FROM pg_catalog.pg_database d
  LEFT JOIN pg_catalog.pg_user u ON u.usesysid = d.datdba
  LEFT JOIN pg_catalog.pg_description ds
    ON ds.objoid = d.oid AND ds.classoid = 'pg_catalog.pg_database'::regclass AND ds.objsubid = 0
 WHERE d.datname = $1`

/** The schemas in queries of at most {@link redshiftSchemasPerQuery}, each name a bound value. */
export function redshiftSchemaReadBack(schemas: readonly string[]): ReadBackQuery[] {
  const queries: ReadBackQuery[] = []
  for (let start = 0; start < schemas.length; start += redshiftSchemasPerQuery) {
    const chunk = schemas.slice(start, start + redshiftSchemasPerQuery)
    queries.push({ text: redshiftSchemaReadBackSql(chunk.length), values: chunk })
  }
  return queries
}

/** What the shared PostgreSQL-protocol client runs for Redshift. */
export const redshiftQueries: PostgresProtocolQueries = {
  schemaListSql: redshiftSchemaListSql,
  privileges: redshiftPrivilegeQueries(redshiftSchemaListSql),
  databaseReadBack: (database) => ({ text: redshiftDatabaseReadBackSql, values: [database] }),
  schemaReadBack: redshiftSchemaReadBack,
}
