import type { Level } from '../../model/asset.js'
import type { PrivilegeFinding, PrivilegeNeed, PrivilegeReport } from '../../model/privilege.js'
import { summarizeLevel, type ObjectPrivilege } from '../kit/privilege-findings.js'

/**
 * `revmeta check` for ClickHouse: pure queries and a pure rows → findings step. Each comment has
 * its own privilege (ALTER MODIFY DATABASE COMMENT, ALTER MODIFY COMMENT, ALTER COMMENT COLUMN),
 * held through it or any group above it (ALTER COLUMN, ALTER TABLE, ALTER, ALL): the hierarchy is
 * read from system.privileges, the user's grants from SHOW GRANTS (system.grants needs SHOW USERS,
 * which a writer should not need).
 */
export const clickhouseIdentitySql = 'SELECT currentUser() AS principal, version() AS version'
export const clickhouseHierarchySql = 'SELECT privilege, parent_group FROM system.privileges'
export const clickhouseGrantsSql = 'SHOW GRANTS'
export const clickhouseObjectsSql = `SELECT 'schema' AS level, name AS schema_name, '' AS table_name FROM system.databases WHERE name NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema')
UNION ALL
SELECT 'table', database, name FROM system.tables WHERE database NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema') AND NOT is_temporary`

export interface ClickhouseHierarchyRow {
  readonly privilege: string
  readonly parent_group: string | null
}

export interface ClickhouseObjectRow {
  readonly level: 'schema' | 'table'
  readonly schema_name: string
  readonly table_name: string
}

const needed: Record<Level, string> = {
  database: 'ALTER MODIFY DATABASE COMMENT',
  schema: 'ALTER MODIFY DATABASE COMMENT',
  table: 'ALTER MODIFY COMMENT',
  column: 'ALTER COMMENT COLUMN',
}

/** One GRANT or REVOKE line of SHOW GRANTS, on `*.*`, `db.*` or `db.table` (null: any). */
interface GrantLine {
  readonly revoke: boolean
  readonly privileges: readonly string[]
  readonly database: string | null
  readonly table: string | null
}

const unquote = (part: string) => (part.startsWith('`') && part.endsWith('`') ? part.slice(1, -1).replaceAll('``', '`').replaceAll('\\`', '`') : part)

/** Splits `a, b(x, y), c` at the commas outside parentheses. */
function splitTop(list: string): string[] {
  const out: string[] = []
  let depth = 0
  let current = ''
  for (const c of list) {
    if (c === '(') depth++
    if (c === ')') depth--
    if (c === ',' && depth === 0) {
      out.push(current.trim())
      current = ''
    } else current += c
  }
  if (current.trim() !== '') out.push(current.trim())
  return out
}

/** The lines of SHOW GRANTS that grant or revoke privileges on tables; role grants (`GRANT r TO u`) have no ON and are left out. */
export function parseGrantLines(lines: readonly string[]): GrantLine[] {
  const parsed: GrantLine[] = []
  for (const line of lines) {
    const m = /^(GRANT|REVOKE)\s+(.+?)\s+ON\s+((?:`(?:[^`]|``)*`|[^\s.`]+)(?:\.(?:`(?:[^`]|``)*`|[^\s.`]+))?)\s+(?:TO|FROM)\s/.exec(line)
    if (m === null) continue
    // A privilege limited to some columns (`ALTER COMMENT COLUMN(a)`) covers those columns only: not counted for whole tables.
    const privileges = splitTop(m[2]!).filter((p) => !p.includes('('))
    const target = m[3]!.match(/`(?:[^`]|``)*`|[^.]+/g)!.map(unquote)
    const [db, table] = target.length === 1 ? ['*', target[0]!] : [target[0]!, target[1]!]
    parsed.push({ revoke: m[1] === 'REVOKE', privileges, database: db === '*' ? null : db, table: table === '*' ? null : table })
  }
  return parsed
}

export function clickhousePrivilegeFindings(
  needs: readonly PrivilegeNeed[],
  identity: { readonly principal: string; readonly version: string },
  hierarchy: readonly ClickhouseHierarchyRow[],
  grantLines: readonly string[],
  objects: readonly ClickhouseObjectRow[],
  quote: (name: string) => string,
): PrivilegeReport {
  const parent = new Map(hierarchy.map((row) => [row.privilege, row.parent_group]))
  const coveredBy = (privilege: string): Set<string> => {
    const out = new Set<string>()
    for (let p: string | null | undefined = privilege; p; p = parent.get(p)) out.add(p)
    out.add('ALL')
    return out
  }
  const lines = parseGrantLines(grantLines)
  const covers = (line: GrantLine, db: string, table: string | null) => (line.database === null || line.database === db) && (line.table === null || (table !== null && line.table === table))
  const holds = (privilege: string, db: string, table: string | null) => {
    const names = coveredBy(privilege)
    const match = (line: GrantLine) => covers(line, db, table) && line.privileges.some((p) => names.has(p))
    return lines.some((l) => !l.revoke && match(l)) && !lines.some((l) => l.revoke && match(l))
  }
  const to = quote(identity.principal)
  const findings: PrivilegeFinding[] = []
  for (const { kind, level } of needs) {
    const privilege = needed[level]
    const rows = objects.filter((row) => row.level === (level === 'column' ? 'table' : level === 'database' ? 'schema' : level))
    const checks: ObjectPrivilege[] = rows.map((row) => {
      const isTable = row.level === 'table'
      const object = isTable ? `${row.schema_name}.${row.table_name}` : row.schema_name
      const target = isTable ? `${quote(row.schema_name)}.${quote(row.table_name)}` : `${quote(row.schema_name)}.*`
      const held = holds(privilege, row.schema_name, isTable ? row.table_name : null)
      return { object, privilege, held, ...(held ? {} : { grant: `GRANT ${privilege} ON ${target} TO ${to};` }) }
    })
    findings.push(...summarizeLevel(kind, level, checks))
  }
  return { version: identity.version, principal: identity.principal, findings }
}
