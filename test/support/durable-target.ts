import { changeEvent } from './om-events.js'
import { createTempDatabase, type TempDatabase } from './postgres-server.js'

/**
 * The target engine of the durable tests: a fresh database on the local PostgreSQL server with
 * one schema of many tables and columns, named for the catalog's FQNs (`<service>.<db>.sales.<table>`).
 */
export interface Target {
  readonly db: TempDatabase
  readonly service: string
  readonly tables: readonly string[]
  readonly columns: readonly string[]
  /** The catalog FQN of a table. */
  fqn(table: string): string
  /** Every comment of the schema's tables and columns, keyed `t007` / `t007.c03`; absent: none. */
  comments(): Promise<Map<string, string>>
  /** How many comments the schema holds: cheap enough to poll while a run is going. */
  countComments(): Promise<number>
  /** Owner role of each table, keyed by table name. */
  owners(): Promise<Map<string, string>>
  drop(): Promise<void>
}

export const tableName = (i: number) => `t${String(i).padStart(3, '0')}`
export const columnName = (i: number) => `c${String(i).padStart(2, '0')}`

/** `tables` tables of `columns` columns each in schema `sales`; `roles` as createTempDatabase makes them. */
export async function createTarget(prefix: string, shape: { tables: number; columns: number; roles?: readonly string[] }): Promise<Target> {
  const db = await createTempDatabase(prefix, shape.roles ?? [])
  const tables = Array.from({ length: shape.tables }, (_, i) => tableName(i))
  const columns = Array.from({ length: shape.columns }, (_, i) => columnName(i))
  const cols = columns.map((c) => `${c} int`).join(', ')
  await db.client.query(`CREATE SCHEMA sales; ${tables.map((t) => `CREATE TABLE sales.${t} (${cols});`).join('\n')}`)
  const service = 'warehouse'
  const relations = `FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'sales' AND c.relkind = 'r'`
  return {
    db,
    service,
    tables,
    columns,
    fqn: (table) => `${service}.${db.name}.sales.${table}`,
    async comments() {
      const { rows } = await db.client.query<{ k: string; d: string }>(
        `SELECT c.relname || coalesce('.' || a.attname, '') AS k, d.description AS d ${relations}
         JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass
         LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0`,
      )
      return new Map(rows.map((r) => [r.k, r.d]))
    },
    async countComments() {
      const { rows } = await db.client.query<{ n: string }>(`SELECT count(*) AS n ${relations} JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass`)
      return Number(rows[0]!.n)
    },
    async owners() {
      const { rows } = await db.client.query<{ t: string; o: string }>(`SELECT c.relname AS t, pg_get_userbyid(c.relowner) AS o ${relations}`)
      return new Map(rows.map((r) => [r.t, r.o]))
    },
    drop: () => db.drop(),
  }
}

/** What one table's event sets: its own description and some of its columns' (undefined: leave alone). */
export interface TableEdit {
  readonly table: string
  readonly description?: string | null
  readonly columns?: Readonly<Record<string, string | null>>
}

/** One OpenMetadata ChangeEvent per edited table: description and column descriptions updated (null: deleted). */
export function tableEvents(target: Target, edits: readonly TableEdit[]): Record<string, unknown>[] {
  return edits.map((edit) => {
    const fields: [string, string | null | undefined][] = [['description', edit.description], ...Object.entries(edit.columns ?? {}).map(([c, v]): [string, string | null] => [`columns.${c}.description`, v])]
    const set = fields.filter(([, v]) => v !== undefined && v !== null).map(([name, newValue]) => ({ name, oldValue: 'old', newValue: newValue! }))
    const deleted = fields.filter(([, v]) => v === null).map(([name]) => ({ name, oldValue: 'old' }))
    return changeEvent('table', target.fqn(edit.table), { updated: set, deleted })
  })
}

/** The comment map (as Target.comments returns it) that a list of edits leaves, the later edits winning. */
export function expectedComments(edits: readonly TableEdit[], start: ReadonlyMap<string, string> = new Map()): Map<string, string> {
  const out = new Map(start)
  const put = (key: string, value: string | null | undefined) => {
    if (value === undefined) return
    if (value === null) out.delete(key)
    else out.set(key, value)
  }
  for (const edit of edits) {
    put(edit.table, edit.description)
    for (const [c, v] of Object.entries(edit.columns ?? {})) put(`${edit.table}.${c}`, v)
  }
  return out
}
