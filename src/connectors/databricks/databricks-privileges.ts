import type { Level } from '../../model/asset.js'
import type { PrivilegeFinding, PrivilegeKind, PrivilegeNeed, PrivilegeReport } from '../../model/privilege.js'
import { summarizeLevel, type ObjectPrivilege } from '../kit/privilege-findings.js'
import type { DatabricksDialect } from './databricks-dialect.js'
import type { DatabricksQuery, Row } from './databricks-statements.js'

/**
 * `revmeta check` for Databricks and Unity Catalog (dialects.md §10 f): pure queries and a pure
 * rows → findings step. Per object, ownership (by the principal or a group it belongs to) or:
 * - descriptions: MANAGE on a catalog or schema, MODIFY on a table (a view only by its owner);
 * - tags: APPLY TAG on the object;
 * - owners: MANAGE on the object.
 * A privilege granted on a catalog or schema is inherited by what it holds; ALL PRIVILEGES covers
 * MODIFY and APPLY TAG (not MANAGE). Group membership is decided by the workspace itself
 * (`is_account_group_member`), so the queries already answer for the principal.
 */
export const databricksIdentityQuery: DatabricksQuery = { statement: 'SELECT current_user() AS principal, version() AS version' }

const mine = (column: string) => `(${column} = current_user() OR is_account_group_member(${column}))`

/** The catalog, its schemas and its relations with their owners and whether the principal owns each; one query. */
export function databricksOwnershipQuery(dialect: DatabricksDialect, catalog: string): DatabricksQuery {
  const info = `${dialect.quoteIdentifier(catalog)}.information_schema`
  return {
    statement: [
      `SELECT 'database' AS level, catalog_name, NULL AS schema_name, NULL AS table_name, NULL AS table_type, catalog_owner AS owner, ${mine('catalog_owner')} AS owned FROM ${info}.catalogs WHERE lower(catalog_name) = :catalog`,
      `SELECT 'schema', catalog_name, schema_name, NULL, NULL, schema_owner, ${mine('schema_owner')} FROM ${info}.schemata WHERE schema_name <> 'information_schema'`,
      `SELECT 'table', table_catalog, table_schema, table_name, table_type, table_owner, ${mine('table_owner')} FROM ${info}.tables WHERE table_schema <> 'information_schema'`,
    ].join('\nUNION ALL\n'),
    parameters: [{ name: 'catalog', value: catalog.toLowerCase() }],
  }
}

/** The privileges the principal holds (directly or through a group) on the catalog, its schemas and tables; one query. */
export function databricksGrantsQuery(dialect: DatabricksDialect, catalog: string): DatabricksQuery {
  const info = `${dialect.quoteIdentifier(catalog)}.information_schema`
  return {
    statement: [
      `SELECT 'database' AS level, catalog_name, NULL AS schema_name, NULL AS table_name, privilege_type FROM ${info}.catalog_privileges WHERE ${mine('grantee')}`,
      `SELECT 'schema', catalog_name, schema_name, NULL, privilege_type FROM ${info}.schema_privileges WHERE ${mine('grantee')}`,
      `SELECT 'table', table_catalog, table_schema, table_name, privilege_type FROM ${info}.table_privileges WHERE ${mine('grantee')}`,
    ].join('\nUNION ALL\n'),
  }
}

const privilegeOf: Record<PrivilegeKind, (level: Level, view: boolean) => string | undefined> = {
  description: (level, view) => (level === 'database' || level === 'schema' ? 'MANAGE' : view ? undefined : 'MODIFY'),
  tags: () => 'APPLY TAG',
  owners: () => 'MANAGE',
}

const securable: Record<string, string> = { database: 'CATALOG', schema: 'SCHEMA', table: 'TABLE' }
const isTrue = (value: string | null | undefined) => value === 'true' || value === 'TRUE' || value === '1'

export function databricksPrivilegeFindings(needs: readonly PrivilegeNeed[], identity: Row, objects: readonly Row[], grants: readonly Row[], quote: (name: string) => string): PrivilegeReport {
  const principal = identity.principal ?? ''
  const me = quote(principal)
  const key = (...parts: (string | null | undefined)[]) => JSON.stringify(parts.filter((p) => p !== null && p !== undefined).map((p) => p!.toLowerCase()))
  const held = new Map<string, Set<string>>()
  for (const g of grants) {
    const k = key(g.catalog_name, g.schema_name, g.table_name)
    held.set(k, (held.get(k) ?? new Set()).add(String(g.privilege_type ?? '').toUpperCase()))
  }
  // A privilege on the object or on a container above it; ALL PRIVILEGES stands for every one but MANAGE.
  const holds = (row: Row, privilege: string) =>
    [key(row.catalog_name), key(row.catalog_name, row.schema_name), key(row.catalog_name, row.schema_name, row.table_name)].some((k) => {
      const set = held.get(k)
      return set !== undefined && (set.has(privilege) || (privilege !== 'MANAGE' && set.has('ALL PRIVILEGES')))
    })
  const findings: PrivilegeFinding[] = []
  for (const { kind, level } of needs) {
    const rows = objects.filter((row) => row.level === (level === 'column' ? 'table' : level))
    const checks: ObjectPrivilege[] = rows.map((row) => {
      const name = [row.catalog_name, row.schema_name, row.table_name].filter((p): p is string => p !== null && p !== undefined)
      const object = name.join('.')
      const view = String(row.table_type ?? '').toUpperCase().includes('VIEW')
      if (isTrue(row.owned)) return { object, privilege: 'ownership', held: true }
      const privilege = privilegeOf[kind](level, view)
      const quoted = name.map(quote).join('.')
      const word = view ? 'VIEW' : securable[String(row.level)] ?? 'TABLE'
      if (privilege === undefined) return { object, privilege: `ownership (owner ${row.owner ?? 'unknown'})`, held: false, grant: `ALTER ${word} ${quoted} OWNER TO ${me};` }
      if (holds(row, privilege)) return { object, privilege, held: true }
      return { object, privilege: `${privilege}, or ownership (owner ${row.owner ?? 'unknown'})`, held: false, grant: `GRANT ${privilege} ON ${securable[String(row.level)] ?? 'TABLE'} ${quoted} TO ${me};` }
    })
    findings.push(...summarizeLevel(kind, level, checks))
  }
  return { version: identity.version ?? 'unknown', principal, findings }
}
