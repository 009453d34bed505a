import { quoteIdent } from '../../src/store/migrate.js'
import type { SqlStateStore } from '../../src/store/sql-state-store.js'

/** Where each database lists a store's tables (a test's own look at the catalog, not store code). */
const tableListSql = {
  postgres: `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
  sqlite: `SELECT name AS table_name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND $1 = $1 ORDER BY name`,
} as const

/**
 * Every row of every table of a store's schema, as one comparable text: two equal snapshots mean
 * nothing was written in between (rows sorted, so the order a database returns them in is no change).
 */
export async function storeSnapshot(store: SqlStateStore): Promise<string> {
  const runner = store.sqlRunner
  const tables = await runner.query<{ table_name: string }>(tableListSql[runner.dialect.name], [store.schema])
  if (tables.length === 0) throw new Error(`No tables found in store schema ${store.schema}: the snapshot would prove nothing`)
  const prefix = runner.dialect.tables(store.schema)
  const parts: string[] = []
  for (const { table_name } of tables) {
    const rows = await runner.query(`SELECT * FROM ${prefix}.${quoteIdent(table_name)}`)
    parts.push(`${table_name}: ${rows.map((row) => JSON.stringify(row)).sort().join('\n')}`)
  }
  return parts.join('\n')
}
