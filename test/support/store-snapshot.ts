import { quoteIdent } from '../../src/store/migrate.js'
import type { SqlStateStore } from '../../src/store/sql-state-store.js'

/**
 * Every row of every table of a store's schema, as one comparable text: two equal snapshots mean
 * nothing was written in between (rows sorted, so the order a database returns them in is no change).
 */
export async function storeSnapshot(store: SqlStateStore): Promise<string> {
  const runner = store.sqlRunner
  const tables = await runner.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [store.schema])
  const parts: string[] = []
  for (const { table_name } of tables) {
    const rows = await runner.query(`SELECT * FROM ${quoteIdent(store.schema)}.${quoteIdent(table_name)}`)
    parts.push(`${table_name}: ${rows.map((row) => JSON.stringify(row)).sort().join('\n')}`)
  }
  return parts.join('\n')
}
