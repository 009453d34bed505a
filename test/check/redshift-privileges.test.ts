import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresPrivilegeFindings, type PrivilegeIdentityRow, type PrivilegeObjectRow } from '../../src/connectors/postgres/postgres-privileges.js'
import { RedshiftDialect } from '../../src/connectors/redshift/redshift-dialect.js'
import { redshiftQueries } from '../../src/connectors/redshift/redshift-read-back.js'
import type { PrivilegeNeed } from '../../src/model/privilege.js'

/**
 * `revmeta check` on Redshift: no server here, so the two queries are golden-pinned, run on
 * PGlite where PostgreSQL shares Redshift's catalog (pg_user, datdba, usesysid), and the
 * rows → findings step is tested on rows as a Redshift cluster answers them.
 */
const { privileges } = redshiftQueries
const dialect = new RedshiftDialect()
const quote = (name: string): string => dialect.quoteIdentifier(name)

const userSchemas = `n.nspname IN (SELECT schema_name FROM (SELECT n.nspname::text AS schema_name
  FROM pg_catalog.pg_namespace n
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'pg_internal', 'pg_automv', 'pg_auto_copy', 'pg_mv', 'pg_s3', 'catalog_history') AND n.nspname !~ '^pg_(toast_)?temp_[0-9]+$'
 ORDER BY n.nspname) s)`
const me = '(SELECT u.usesysid FROM pg_catalog.pg_user u WHERE u.usename = current_user)'
const superuser = '(SELECT u.usesuper FROM pg_catalog.pg_user u WHERE u.usename = current_user)'

describe('Redshift check queries (golden)', () => {
  it('who the connection is: pg_user, since Redshift has no pg_roles', () => {
    expect(privileges.identitySql).toBe(`SELECT current_user::text AS principal, version() AS version, u.usesuper AS superuser, current_database()::text AS database
  FROM pg_catalog.pg_user u WHERE u.usename = current_user`)
  })

  it('what it holds on each object: ownership as the owner itself (no pg_has_role), CREATE for a new owner', () => {
    expect(privileges.roleMembership).toBe(false)
    expect(privileges.objectsSql).toBe(`SELECT 'database'::text AS level, NULL::text AS schema_name, NULL::text AS table_name, pg_get_userbyid(d.datdba)::text AS owner,
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
 ORDER BY 1, 2, 3`)
  })

  it('the queries take no parameter and hold no name: nothing of the catalog reaches their text', () => {
    for (const sql of [privileges.identitySql, privileges.objectsSql]) expect(sql).not.toMatch(/\$\d/)
  })
})

// As a cluster answers for user `checker`, who owns schema `sales` but not its tables, and has
// CREATE on that schema only; a schema whose name needs quoting holds a view owned by `etl`.
const identity: PrivilegeIdentityRow = { principal: 'checker', version: 'PostgreSQL 8.0.2 on i686-pc-linux-gnu, Redshift 1.0.77467', superuser: false, database: 'dev' }
const objects: PrivilegeObjectRow[] = [
  { level: 'database', schema_name: null, table_name: null, owner: 'rdsdb', owned: false, may_create: false },
  { level: 'schema', schema_name: 'Sales "EU"', table_name: null, owner: 'etl', owned: false, may_create: false },
  { level: 'schema', schema_name: 'sales', table_name: null, owner: 'checker', owned: true, may_create: false },
  { level: 'table', schema_name: 'Sales "EU"', table_name: 'daily view', owner: 'etl', owned: false, may_create: false },
  { level: 'table', schema_name: 'sales', table_name: 'orders', owner: 'etl', owned: false, may_create: true },
  { level: 'table', schema_name: 'sales', table_name: 'refunds', owner: 'checker', owned: true, may_create: true },
]
const findings = (needs: PrivilegeNeed[], who: PrivilegeIdentityRow = identity, rows = objects) => postgresPrivilegeFindings(needs, who, rows, privileges, quote)

describe('Redshift check findings (recorded rows)', () => {
  it('a comment needs ownership: what is missing gets ALTER ... OWNER TO, quoted, never GRANT role', () => {
    const report = findings([{ kind: 'description', level: 'table' }])
    expect(report).toMatchObject({ principal: 'checker', version: identity.version })
    expect(report.findings).toEqual([
      { kind: 'description', level: 'table', object: '* (1 table)', privilege: 'ownership', held: true },
      { kind: 'description', level: 'table', object: 'Sales "EU".daily view', privilege: 'ownership (owner "etl")', held: false, grant: 'ALTER TABLE "Sales ""EU"""."daily view" OWNER TO "checker";' },
      { kind: 'description', level: 'table', object: 'sales.orders', privilege: 'ownership (owner "etl")', held: false, grant: 'ALTER TABLE "sales"."orders" OWNER TO "checker";' },
    ])
  })

  it("a column's comment reads its table's ownership", () => {
    const report = findings([{ kind: 'description', level: 'column' }])
    expect(report.findings.filter((f) => !f.held).map((f) => f.object)).toEqual(['Sales "EU".daily view', 'sales.orders'])
    expect(report.findings.every((f) => f.level === 'column')).toBe(true)
  })

  it('the database: ALTER DATABASE ... OWNER TO for ownership, and CREATEDB for handing it to a new owner', () => {
    expect(findings([{ kind: 'owners', level: 'database' }]).findings).toEqual([
      { kind: 'owners', level: 'database', object: 'dev', privilege: 'ownership (owner "rdsdb")', held: false, grant: 'ALTER DATABASE "dev" OWNER TO "checker";' },
      { kind: 'owners', level: 'database', object: 'dev', privilege: 'CREATEDB', held: false, grant: 'ALTER ROLE "checker" CREATEDB;' },
    ])
  })

  it('owners of schemas: an owned schema still needs CREATE on the database for its new owner', () => {
    expect(findings([{ kind: 'owners', level: 'schema' }]).findings).toEqual([
      { kind: 'owners', level: 'schema', object: '* (1 schema)', privilege: 'ownership', held: true },
      { kind: 'owners', level: 'schema', object: 'Sales "EU"', privilege: 'ownership (owner "etl")', held: false, grant: 'ALTER SCHEMA "Sales ""EU""" OWNER TO "checker";' },
      { kind: 'owners', level: 'schema', object: 'Sales "EU"', privilege: 'CREATE on database "dev"', held: false, grant: 'GRANT CREATE ON DATABASE "dev" TO "checker";' },
      { kind: 'owners', level: 'schema', object: 'sales', privilege: 'CREATE on database "dev"', held: false, grant: 'GRANT CREATE ON DATABASE "dev" TO "checker";' },
    ])
  })

  it('a superuser holds every need, whatever the rows say', () => {
    const needs: PrivilegeNeed[] = [
      { kind: 'description', level: 'table' },
      { kind: 'owners', level: 'database' },
    ]
    expect(findings(needs, { ...identity, superuser: true }).findings).toEqual(needs.map((n) => ({ ...n, object: '*', privilege: 'SUPERUSER', held: true })))
  })

  it('an empty database: nothing is missing at a level with no object', () => {
    expect(findings([{ kind: 'description', level: 'table' }], identity, objects.slice(0, 1)).findings).toEqual([{ kind: 'description', level: 'table', object: '* (0 tables)', privilege: 'none needed', held: true }])
  })
})

describe('Redshift check queries on PGlite (the catalog PostgreSQL shares with Redshift)', () => {
  let db: PGlite
  beforeAll(async () => {
    // pg_user lists login roles only: Redshift's users all are.
    db = new PGlite()
    await db.exec(`DROP SCHEMA public CASCADE; CREATE ROLE checker LOGIN; CREATE ROLE etl LOGIN;
      CREATE SCHEMA sales AUTHORIZATION checker; CREATE SCHEMA "Sales ""EU""" AUTHORIZATION etl;
      CREATE TABLE sales.orders (id int); ALTER TABLE sales.orders OWNER TO etl;
      CREATE TABLE sales.refunds (id int); ALTER TABLE sales.refunds OWNER TO checker;
      CREATE VIEW "Sales ""EU"""."daily view" AS SELECT 1 AS one; ALTER VIEW "Sales ""EU"""."daily view" OWNER TO etl;
      GRANT CREATE ON SCHEMA sales TO checker; SET ROLE checker;`)
  })
  afterAll(async () => {
    await db.close()
  })

  it('the rows they return give the findings the recorded rows give', async () => {
    const [who] = (await db.query<PrivilegeIdentityRow>(privileges.identitySql)).rows
    expect(who).toMatchObject({ principal: 'checker', superuser: false })
    const rows = (await db.query<PrivilegeObjectRow>(privileges.objectsSql)).rows
    expect(rows.map((r) => [r.level, r.schema_name, r.table_name, r.owner, r.owned, r.may_create])).toEqual([
      ['database', null, null, 'postgres', false, false],
      ['schema', 'Sales "EU"', null, 'etl', false, false],
      ['schema', 'sales', null, 'checker', true, false],
      ['table', 'Sales "EU"', 'daily view', 'etl', false, false],
      ['table', 'sales', 'orders', 'etl', false, true],
      ['table', 'sales', 'refunds', 'checker', true, true],
    ])
    const missing = postgresPrivilegeFindings([{ kind: 'description', level: 'table' }], who!, rows, privileges, quote).findings.filter((f) => !f.held)
    expect(missing.map((f) => f.grant)).toEqual(['ALTER TABLE "Sales ""EU"""."daily view" OWNER TO "checker";', 'ALTER TABLE "sales"."orders" OWNER TO "checker";'])
  })
})
