import type { Level } from '../../model/asset.js'
import type { PrivilegeFinding, PrivilegeNeed, PrivilegeReport } from '../../model/privilege.js'
import { heldEverywhere, summarizeLevel, type ObjectPrivilege } from '../kit/privilege-findings.js'

/**
 * `revmeta check` for Snowflake: pure queries and a pure rows → findings step.
 * - descriptions (COMMENT): OWNERSHIP of the object, held by the current role or one it inherits;
 * - owners (GRANT OWNERSHIP): OWNERSHIP of the object, or MANAGE GRANTS on the account;
 * - tags (SET TAG / UNSET TAG): APPLY TAG on the account.
 * ACCOUNTADMIN holds all of them.
 */
export const snowflakeIdentitySql = 'SELECT CURRENT_VERSION() AS "VERSION", CURRENT_ROLE() AS "ROLE", CURRENT_AVAILABLE_ROLES() AS "ROLES"'

/** The role's account-level grants (MANAGE GRANTS, APPLY TAG); `role` quoted by the dialect. */
export const snowflakeRoleGrantsSql = (quotedRole: string) => `SHOW GRANTS TO ROLE ${quotedRole}`

/** The database, its schemas and tables with their owning role, in one query on the database's INFORMATION_SCHEMA. */
export function snowflakeOwnersSql(quotedDatabase: string, databaseLiteral: string): string {
  const info = `${quotedDatabase}.INFORMATION_SCHEMA`
  return `SELECT 'database' AS "LEVEL", DATABASE_NAME AS "DATABASE_NAME", NULL AS "SCHEMA_NAME", NULL AS "TABLE_NAME", DATABASE_OWNER AS "OWNER" FROM ${info}.DATABASES WHERE DATABASE_NAME = ${databaseLiteral}
UNION ALL
SELECT 'schema', CATALOG_NAME, SCHEMA_NAME, NULL, SCHEMA_OWNER FROM ${info}.SCHEMATA WHERE SCHEMA_NAME <> 'INFORMATION_SCHEMA'
UNION ALL
SELECT 'table', TABLE_CATALOG, TABLE_SCHEMA, TABLE_NAME, TABLE_OWNER FROM ${info}.TABLES WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA'`
}

export type SnowflakeRow = Readonly<Record<string, unknown>>

const str = (row: SnowflakeRow, key: string): string | null => {
  const value = row[key] ?? row[key.toLowerCase()]
  return value === null || value === undefined ? null : String(value)
}

/** CURRENT_AVAILABLE_ROLES() answers a JSON array as text. */
function availableRoles(identity: SnowflakeRow): Set<string> {
  try {
    const roles = JSON.parse(str(identity, 'ROLES') ?? '[]') as unknown
    return new Set(Array.isArray(roles) ? roles.map(String) : [])
  } catch {
    return new Set()
  }
}

export function snowflakePrivilegeFindings(needs: readonly PrivilegeNeed[], identity: SnowflakeRow, roleGrants: readonly SnowflakeRow[], objects: readonly SnowflakeRow[], quote: (name: string) => string): PrivilegeReport {
  const version = str(identity, 'VERSION') ?? 'unknown'
  const role = str(identity, 'ROLE') ?? ''
  const base = { version, principal: role }
  if (role === 'ACCOUNTADMIN') return { ...base, findings: heldEverywhere(needs, 'ACCOUNTADMIN') }
  const roles = availableRoles(identity)
  roles.add(role)
  const onAccount = (privilege: string) => roleGrants.some((g) => str(g, 'privilege') === privilege && str(g, 'granted_on') === 'ACCOUNT')
  const manageGrants = onAccount('MANAGE GRANTS')
  const applyTag = onAccount('APPLY TAG')
  const me = quote(role)
  const findings: PrivilegeFinding[] = []
  for (const { kind, level } of needs) {
    const rows = objects.filter((row) => str(row, 'LEVEL') === (level === 'column' ? 'table' : level))
    if (kind === 'tags') {
      findings.push(
        applyTag
          ? { kind, level, object: '*', privilege: 'APPLY TAG on the account', held: true }
          : { kind, level, object: '*', privilege: 'APPLY TAG on the account', held: false, grant: `GRANT APPLY TAG ON ACCOUNT TO ROLE ${me};` },
      )
      continue
    }
    if (kind === 'owners' && manageGrants) {
      findings.push({ kind, level, object: '*', privilege: 'MANAGE GRANTS on the account', held: true })
      continue
    }
    const checks: ObjectPrivilege[] = rows.map((row) => {
      const owner = str(row, 'OWNER') ?? ''
      const object = nameOf(row, level)
      if (roles.has(owner)) return { object, privilege: 'OWNERSHIP', held: true }
      // An object owned by nobody visible (a role dropped, or owned by a database role) cannot be reached by a role grant.
      const grant = owner === '' ? `GRANT OWNERSHIP ON ${keyword(row)} ${qualified(row, quote)} TO ROLE ${me} COPY CURRENT GRANTS;` : `GRANT ROLE ${quote(owner)} TO ROLE ${me};`
      return { object, privilege: `OWNERSHIP (owner ${owner === '' ? 'unknown' : quote(owner)})`, held: false, grant }
    })
    const summarized = summarizeLevel(kind, level, checks)
    // GRANT OWNERSHIP also works with MANAGE GRANTS alone: say so where ownership is missing.
    if (kind === 'owners') for (const f of summarized) if (!f.held) f.privilege += ', or MANAGE GRANTS on the account'
    findings.push(...summarized)
  }
  return { ...base, findings }
}

function nameOf(row: SnowflakeRow, level: Level): string {
  const parts = [str(row, 'DATABASE_NAME'), str(row, 'SCHEMA_NAME'), str(row, 'TABLE_NAME')].filter((p): p is string => p !== null)
  return level === 'database' ? parts[0]! : parts.join('.')
}

const keyword = (row: SnowflakeRow) => ({ database: 'DATABASE', schema: 'SCHEMA', table: 'TABLE' })[str(row, 'LEVEL') as 'database'] ?? 'TABLE'

function qualified(row: SnowflakeRow, quote: (name: string) => string): string {
  return [str(row, 'DATABASE_NAME'), str(row, 'SCHEMA_NAME'), str(row, 'TABLE_NAME')]
    .filter((p): p is string => p !== null)
    .map(quote)
    .join('.')
}
