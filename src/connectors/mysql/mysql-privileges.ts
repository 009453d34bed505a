import type { Level } from '../../model/asset.js'
import type { PrivilegeFinding, PrivilegeNeed, PrivilegeReport } from '../../model/privilege.js'
import { summarizeLevel, type ObjectPrivilege } from '../kit/privilege-findings.js'

/**
 * `revmeta check` for MySQL and MariaDB: pure queries and a pure rows → findings step. Every
 * comment is written with ALTER TABLE / ALTER DATABASE, so what it takes is the ALTER privilege,
 * held on *.*, on the database (a grant's database may be a LIKE pattern) or on the table.
 */

const systemSchemas = "('mysql', 'information_schema', 'performance_schema', 'sys')"

export const mysqlIdentitySql = 'SELECT CURRENT_USER() AS principal, VERSION() AS version'

/** The user's databases and tables it can see; information_schema hides what it holds nothing on. */
export const mysqlObjectsSql = `SELECT 'schema' AS level, SCHEMA_NAME AS schema_name, NULL AS table_name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN ${systemSchemas}
UNION ALL
SELECT 'table', TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA NOT IN ${systemSchemas}`

/** ALTER grants at the three scopes; the views list other users' grants too when the user may read them, so the grantee is kept. */
export const mysqlAlterGrantsSql = `SELECT 'global' AS scope, GRANTEE AS grantee, NULL AS schema_name, NULL AS table_name FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE = 'ALTER'
UNION ALL
SELECT 'schema', GRANTEE, TABLE_SCHEMA, NULL FROM information_schema.SCHEMA_PRIVILEGES WHERE PRIVILEGE_TYPE = 'ALTER'
UNION ALL
SELECT 'table', GRANTEE, TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLE_PRIVILEGES WHERE PRIVILEGE_TYPE = 'ALTER'`

export interface MysqlIdentityRow {
  readonly principal: string
  readonly version: string
}

export interface MysqlObjectRow {
  readonly level: 'schema' | 'table'
  readonly schema_name: string
  readonly table_name: string | null
}

export interface MysqlGrantRow {
  readonly scope: 'global' | 'schema' | 'table'
  readonly grantee: string
  readonly schema_name: string | null
  readonly table_name: string | null
}

/** `user@host` as CURRENT_USER() gives it → the grantee form of the privilege views, `'user'@'host'`. */
export function granteeOf(principal: string): string {
  const at = principal.lastIndexOf('@')
  const user = at < 0 ? principal : principal.slice(0, at)
  const host = at < 0 ? '%' : principal.slice(at + 1)
  return `'${user}'@'${host}'`
}

/** A database grant's name is a LIKE pattern (`shop\_%`): `_` and `%` are wildcards unless escaped. */
function likeMatches(pattern: string, name: string): boolean {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegex(pattern[++i]!)
    else if (c === '%') source += '[\\s\\S]*'
    else if (c === '_') source += '[\\s\\S]'
    else source += escapeRegex(c)
  }
  // Database names compare case-sensitively on Linux servers (lower_case_table_names=0), as here.
  return new RegExp(`^${source}$`, 'u').test(name)
}

const escapeRegex = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export interface MysqlQuoting {
  readonly identifier: (name: string) => string
  readonly literal: (value: string) => string
}

export function mysqlPrivilegeFindings(needs: readonly PrivilegeNeed[], identity: MysqlIdentityRow, objects: readonly MysqlObjectRow[], grants: readonly MysqlGrantRow[], quote: MysqlQuoting): PrivilegeReport {
  const grantee = granteeOf(identity.principal)
  const mine = grants.filter((g) => g.grantee === grantee)
  const global = mine.some((g) => g.scope === 'global')
  const onSchema = (schema: string) => global || mine.some((g) => g.scope === 'schema' && likeMatches(g.schema_name!, schema))
  const onTable = (schema: string, table: string) => onSchema(schema) || mine.some((g) => g.scope === 'table' && g.schema_name === schema && g.table_name === table)
  const at = identity.principal.lastIndexOf('@')
  const to = at < 0 ? quote.literal(identity.principal) : `${quote.literal(identity.principal.slice(0, at))}@${quote.literal(identity.principal.slice(at + 1))}`
  const findings: PrivilegeFinding[] = []
  for (const { kind, level } of needs) {
    const checks: ObjectPrivilege[] = rowsAt(objects, level).map((row) => {
      if (row.level === 'schema') {
        const held = onSchema(row.schema_name)
        return { object: row.schema_name, privilege: 'ALTER', held, ...(held ? {} : { grant: `GRANT ALTER ON ${quote.identifier(row.schema_name)}.* TO ${to};` }) }
      }
      const name = `${row.schema_name}.${row.table_name}`
      const held = onTable(row.schema_name, row.table_name!)
      return { object: name, privilege: 'ALTER', held, ...(held ? {} : { grant: `GRANT ALTER ON ${quote.identifier(row.schema_name)}.${quote.identifier(row.table_name!)} TO ${to};` }) }
    })
    if (checks.length === 0 && !global) {
      // information_schema hides what a user holds nothing on: seeing no object means holding nothing.
      findings.push({ kind, level, object: '*', privilege: 'ALTER (this user sees no database: it holds no privilege on any)', held: false, grant: `GRANT ALTER ON *.* TO ${to};` })
      continue
    }
    findings.push(...summarizeLevel(kind, level, checks))
  }
  return { version: identity.version, principal: identity.principal, findings }
}

const rowsAt = (objects: readonly MysqlObjectRow[], level: Level) => objects.filter((row) => row.level === (level === 'column' ? 'table' : level))
