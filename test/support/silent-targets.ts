import type mysql from 'mysql2/promise'
import { createTempMysqlDatabase, mysqlServer } from './mysql-server.js'
import { changeEvent } from './om-events.js'
import { createTempDatabase, serverUrl } from './postgres-server.js'

/**
 * A live target for the silent-network tests, on the PostgreSQL or the MariaDB server: a fresh
 * database of `tables` tables with `columns` columns each, the events that describe all of them,
 * and a way to read every comment back, so the tests can say the right value landed.
 */
export interface SilentTarget {
  readonly engine: 'postgres' | 'mysql'
  readonly service: string
  /** The server the proxy forwards to. */
  readonly server: { readonly host: string; readonly port: number }
  /** The service's connection block, with the server's address replaced by `port` on loopback. */
  connection(port: number, timeouts: Record<string, number>): Record<string, unknown>
  /** One ChangeEvent per table: its description and every column's. */
  events(): Record<string, unknown>[]
  /** The comments the events leave, keyed `t1` / `t1.c1`. */
  expected(): Map<string, string>
  /** Every non-empty comment of the tables and columns, keyed as `expected`. */
  comments(): Promise<Map<string, string>>
  drop(): Promise<void>
}

export const silentEngines = ['postgres', 'mysql'] as const

const names = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`)

function expectedFor(tables: readonly string[], columns: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const t of tables) {
    out.set(t, `table ${t}`)
    for (const c of columns) out.set(`${t}.${c}`, `column ${t}.${c}`)
  }
  return out
}

function eventsFor(base: string, tables: readonly string[], columns: readonly string[]): Record<string, unknown>[] {
  return tables.map((t) =>
    changeEvent('table', `${base}.${t}`, {
      updated: [{ name: 'description', oldValue: 'old', newValue: `table ${t}` }, ...columns.map((c) => ({ name: `columns.${c}.description`, oldValue: 'old', newValue: `column ${t}.${c}` }))],
    }),
  )
}

export async function createSilentTarget(engine: SilentTarget['engine'], prefix: string, shape: { tables: number; columns: number }): Promise<SilentTarget> {
  const tables = names(shape.tables, 't')
  const columns = names(shape.columns, 'c')
  const cols = columns.map((c) => `${c} int`).join(', ')
  const service = 'warehouse'
  if (engine === 'postgres') {
    const db = await createTempDatabase(prefix)
    await db.client.query(`CREATE SCHEMA sales; ${tables.map((t) => `CREATE TABLE sales.${t} (${cols});`).join('\n')}`)
    return {
      engine,
      service,
      server: { host: serverUrl.host, port: serverUrl.port },
      connection: (port, timeouts) => ({ host: '127.0.0.1', port, user: serverUrl.user, database: db.name, lockTimeoutMs: 2_000, ...timeouts }),
      events: () => eventsFor(`${service}.${db.name}.sales`, tables, columns),
      expected: () => expectedFor(tables, columns),
      async comments() {
        const { rows } = await db.client.query<{ k: string; d: string }>(
          `SELECT c.relname || coalesce('.' || a.attname, '') AS k, d.description AS d
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'sales' AND c.relkind = 'r'
           JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass
           LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0`,
        )
        return new Map(rows.map((r) => [r.k, r.d]))
      },
      drop: () => db.drop(),
    }
  }
  const db = await createTempMysqlDatabase(prefix)
  await db.conn.query(`USE \`${db.name}\`; ${tables.map((t) => `CREATE TABLE ${t} (${cols});`).join('\n')}`)
  return {
    engine,
    service,
    server: { host: mysqlServer.host, port: mysqlServer.port },
    connection: (port, timeouts) => ({ host: '127.0.0.1', port, user: mysqlServer.user, lockTimeoutMs: 2_000, ...timeouts }),
    events: () => eventsFor(`${service}.default.${db.name}`, tables, columns),
    expected: () => expectedFor(tables, columns),
    async comments() {
      const [tableRows] = await db.conn.execute<mysql.RowDataPacket[]>(`SELECT TABLE_NAME AS t, TABLE_COMMENT AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_COMMENT <> ''`, [db.name])
      const [columnRows] = await db.conn.execute<mysql.RowDataPacket[]>(
        `SELECT TABLE_NAME AS t, COLUMN_NAME AS n, COLUMN_COMMENT AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND COLUMN_COMMENT <> ''`,
        [db.name],
      )
      return new Map([...tableRows.map((r): [string, string] => [String(r.t), String(r.c)]), ...columnRows.map((r): [string, string] => [`${String(r.t)}.${String(r.n)}`, String(r.c)])])
    },
    drop: () => db.drop(),
  }
}
