import type { Level } from '../../model/asset.js'
import type { PrivilegeFinding, PrivilegeNeed, PrivilegeReport } from '../../model/privilege.js'
import { heldEverywhere, summarizeLevel, type ObjectPrivilege } from '../kit/privilege-findings.js'

/**
 * `revmeta check` for PostgreSQL-protocol engines: pure queries and a pure rows → findings step.
 * COMMENT ON and ALTER ... OWNER TO both need the object's ownership, which PostgreSQL grants to
 * every member of the owning role (pg_has_role ... USAGE) and to superusers. A new owner also
 * needs CREATE where the object lives (CREATEDB for a database).
 */

/** Who the connection is; one row. */
export interface PrivilegeIdentityRow {
  readonly principal: string
  readonly version: string
  readonly superuser: boolean
  readonly database: string
}

/** The database, each schema and each relation, with its owner and what the connection holds on it. */
export interface PrivilegeObjectRow {
  readonly level: 'database' | 'schema' | 'table'
  readonly schema_name: string | null
  readonly table_name: string | null
  readonly owner: string
  /** The connection has the owner's privileges (is the owner, a member of it, or a superuser). */
  readonly owned: boolean
  /** What a new owner takes besides: CREATEDB (database), CREATE on the database (schema), on the schema (table). */
  readonly may_create: boolean
}

export interface PostgresPrivilegeQueries {
  readonly identitySql: string
  readonly objectsSql: string
  /** Ownership comes with membership of the owning role (PostgreSQL), or only as the owner itself (Redshift). */
  readonly roleMembership: boolean
}

const relkinds = `('r','p','v','m','f')`

/** PostgreSQL's: ownership through pg_has_role, so membership of the owning role counts. */
export function postgresPrivilegeQueries(schemaListSql: string): PostgresPrivilegeQueries {
  const userSchemas = `n.nspname IN (SELECT schema_name FROM (${schemaListSql}) s)`
  return {
    roleMembership: true,
    identitySql: `SELECT current_user::text AS principal, current_setting('server_version') AS version, r.rolsuper AS superuser, current_database()::text AS database
  FROM pg_catalog.pg_roles r WHERE r.rolname = current_user`,
    objectsSql: `SELECT 'database'::text AS level, NULL::text AS schema_name, NULL::text AS table_name, pg_get_userbyid(d.datdba)::text AS owner,
       pg_has_role(current_user, d.datdba, 'USAGE') AS owned,
       (SELECT r.rolcreatedb OR r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) AS may_create
  FROM pg_catalog.pg_database d WHERE d.datname = current_database()
UNION ALL
SELECT 'schema', n.nspname::text, NULL, pg_get_userbyid(n.nspowner)::text, pg_has_role(current_user, n.nspowner, 'USAGE'),
       has_database_privilege(current_database(), 'CREATE')
  FROM pg_catalog.pg_namespace n WHERE ${userSchemas}
UNION ALL
SELECT 'table', n.nspname::text, c.relname::text, pg_get_userbyid(c.relowner)::text, pg_has_role(current_user, c.relowner, 'USAGE'),
       has_schema_privilege(n.oid, 'CREATE')
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ${relkinds} AND ${userSchemas}
 ORDER BY 1, 2, 3`,
  }
}

/** Redshift has no pg_has_role: the owner must be the connected user itself (or a superuser). */
export function redshiftPrivilegeQueries(schemaListSql: string): PostgresPrivilegeQueries {
  const userSchemas = `n.nspname IN (SELECT schema_name FROM (${schemaListSql}) s)`
  const me = `(SELECT u.usesysid FROM pg_catalog.pg_user u WHERE u.usename = current_user)`
  const superuser = `(SELECT u.usesuper FROM pg_catalog.pg_user u WHERE u.usename = current_user)`
  return {
    roleMembership: false,
    identitySql: `SELECT current_user::text AS principal, version() AS version, u.usesuper AS superuser, current_database()::text AS database
  FROM pg_catalog.pg_user u WHERE u.usename = current_user`,
    objectsSql: `SELECT 'database'::text AS level, NULL::text AS schema_name, NULL::text AS table_name, pg_get_userbyid(d.datdba)::text AS owner,
       (d.datdba = ${me} OR ${superuser}) AS owned,
       (SELECT u.usecreatedb OR u.usesuper FROM pg_catalog.pg_user u WHERE u.usename = current_user) AS may_create
  FROM pg_catalog.pg_database d WHERE d.datname = current_database()
UNION ALL
SELECT 'schema', n.nspname::text, NULL, pg_get_userbyid(n.nspowner)::text, (n.nspowner = ${me} OR ${superuser}),
       has_database_privilege(current_database(), 'CREATE')
  FROM pg_catalog.pg_namespace n WHERE ${userSchemas}
UNION ALL
SELECT 'table', n.nspname::text, c.relname::text, pg_get_userbyid(c.relowner)::text, (c.relowner = ${me} OR ${superuser}),
       has_schema_privilege(n.nspname, 'CREATE')
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r','v','m') AND ${userSchemas}
 ORDER BY 1, 2, 3`,
  }
}

/** Which rows a level's check reads: a column's comment takes its table's ownership. */
const rowLevel = (level: Level): PrivilegeObjectRow['level'] => (level === 'column' ? 'table' : level)

/** The rows → findings step: pure, so every line of advice is testable without a server. */
export function postgresPrivilegeFindings(needs: readonly PrivilegeNeed[], identity: PrivilegeIdentityRow, objects: readonly PrivilegeObjectRow[], queries: PostgresPrivilegeQueries, quote: (name: string) => string): PrivilegeReport {
  const base = { version: identity.version, principal: identity.principal }
  if (identity.superuser) return { ...base, findings: heldEverywhere(needs, 'SUPERUSER') }
  const me = quote(identity.principal)
  const nameOf = (row: PrivilegeObjectRow) => (row.level === 'database' ? identity.database : row.level === 'schema' ? row.schema_name! : `${row.schema_name}.${row.table_name}`)
  // PostgreSQL 15 gives `public` to pg_database_owner, which takes no members: its privileges go
  // to whoever owns the database, so membership of that role is the grant.
  const databaseOwner = objects.find((row) => row.level === 'database')?.owner
  const owningRole = (owner: string) => (owner === 'pg_database_owner' && databaseOwner !== undefined ? databaseOwner : owner)
  const ownership = (row: PrivilegeObjectRow): ObjectPrivilege => {
    if (row.owned) return { object: nameOf(row), privilege: 'ownership', held: true }
    const grant = queries.roleMembership ? `GRANT ${quote(owningRole(row.owner))} TO ${me};` : `${alterKeyword(row)} ${qualified(row, identity.database, quote)} OWNER TO ${me};`
    return { object: nameOf(row), privilege: `ownership (owner ${quote(row.owner)})`, held: false, grant }
  }
  const creation = (row: PrivilegeObjectRow): ObjectPrivilege => {
    const [privilege, grant] =
      row.level === 'database'
        ? ['CREATEDB', `ALTER ROLE ${me} CREATEDB;`]
        : row.level === 'schema'
          ? [`CREATE on database ${quote(identity.database)}`, `GRANT CREATE ON DATABASE ${quote(identity.database)} TO ${me};`]
          : [`CREATE on schema ${quote(row.schema_name!)}`, `GRANT CREATE ON SCHEMA ${quote(row.schema_name!)} TO ${me};`]
    return row.may_create ? { object: nameOf(row), privilege, held: true } : { object: nameOf(row), privilege, held: false, grant }
  }
  const findings: PrivilegeFinding[] = []
  for (const { kind, level } of needs) {
    const rows = objects.filter((row) => row.level === rowLevel(level))
    const checks = kind === 'owners' ? rows.flatMap((row) => [ownership(row), creation(row)]) : rows.map(ownership)
    findings.push(...summarizeLevel(kind, level, checks))
  }
  return { ...base, findings }
}

const alterKeyword = (row: PrivilegeObjectRow) => (row.level === 'database' ? 'ALTER DATABASE' : row.level === 'schema' ? 'ALTER SCHEMA' : 'ALTER TABLE')

function qualified(row: PrivilegeObjectRow, database: string, quote: (name: string) => string): string {
  if (row.level === 'database') return quote(database)
  if (row.level === 'schema') return quote(row.schema_name!)
  return `${quote(row.schema_name!)}.${quote(row.table_name!)}`
}
