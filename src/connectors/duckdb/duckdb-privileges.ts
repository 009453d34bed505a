import type { PrivilegeFinding, PrivilegeNeed, PrivilegeReport } from '../../model/privilege.js'

/**
 * `revmeta check` for DuckDB: no users or grants, so writing takes a catalog opened read-write
 * and a database file the process may write. The query is pure text; whether each file is
 * writable is a fact the client reads from the file system and hands in.
 */
export const duckdbPrivilegeSql = `SELECT version() AS version, database_name, path, readonly FROM duckdb_databases() WHERE NOT internal ORDER BY database_name`

export interface DuckdbDatabaseRow {
  readonly version: string
  readonly database_name: string
  /** The file behind the catalog; null in memory. */
  readonly path: string | null
  readonly readonly: boolean
}

const shellQuote = (path: string) => `'${path.replaceAll("'", `'\\''`)}'`

/** `writable(path)`: whether this process may write the file (the client checks with access(2)). */
export function duckdbPrivilegeFindings(needs: readonly PrivilegeNeed[], rows: readonly DuckdbDatabaseRow[], writable: ReadonlyMap<string, boolean>, opened: string): PrivilegeReport {
  const findings: PrivilegeFinding[] = []
  for (const { kind, level } of needs) {
    for (const row of rows) {
      const base = { kind, level, object: row.database_name }
      if (row.readonly) {
        const grant =
          row.database_name === opened
            ? `open the service read-write: remove readOnly: true from its connection`
            : `DETACH ${quoteIdent(row.database_name)}; ATTACH ${sqlString(row.path ?? '')} AS ${quoteIdent(row.database_name)};`
        findings.push({ ...base, privilege: 'catalog attached read-write', held: false, grant })
      } else if (row.path !== null && row.path !== '' && writable.get(row.path) === false) {
        findings.push({ ...base, privilege: `write access to ${row.path}`, held: false, grant: `chmod u+w ${shellQuote(row.path)}` })
      } else {
        findings.push({ ...base, privilege: row.path ? `write access to ${row.path}` : 'in-memory catalog, writable', held: true })
      }
    }
  }
  return { version: rows[0]?.version ?? 'unknown', findings }
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`
const sqlString = (value: string) => `'${value.replaceAll("'", "''")}'`
