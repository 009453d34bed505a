import { existsSync } from 'node:fs'
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { migrate, quoteIdent } from './migrate.js'
import { openPgliteRunner } from './pglite-runner.js'
import type { SqlExecutor, SqlRunner } from './sql-runner.js'
import { openSqliteRunner, sqliteFileName } from './sqlite-runner.js'
import { storeError } from './store-errors.js'
import { acquireStoreLock } from './store-lock.js'

export interface UpgradeResult {
  /** `copied`: this call copied the old store; `finished`: an earlier call had copied it, this one only moved the old files away; `none`: no old store here. */
  readonly outcome: 'copied' | 'finished' | 'none'
  readonly store: string
  /** Rows copied per table (outcome `copied` only). */
  readonly rows: Record<string, number>
  /** Where the old PGlite files went, when they were moved. */
  readonly backup?: string
}

/** The migration bookkeeping stays each database's own; `maintenance` is PGlite's vacuum counter; `counters` is made from the sequence. */
const notCopied = new Set(['revmeta_migrations', 'maintenance', 'counters'])
const stagingName = '.upgrade-staging'
const backupName = 'pglite-backup'
/** Rows read from PGlite per query: bounds memory on a store with large payloads. */
const pageRows = 2_000
/** The last migration an older revmeta's PGlite store can hold that this copy understands. */
const newestKnown = 10

/**
 * `revmeta store upgrade`: copies an older revmeta's embedded PGlite store (the data directory
 * that store.dir was) into the SQLite file that store.dir holds now, then moves the PGlite files
 * into store.dir/pglite-backup/.
 *
 * Crash-safe and idempotent: the SQLite file is written beside, in a staging directory, in one
 * transaction, and only renamed into place once complete (a rename is atomic), so store.dir
 * either has no SQLite file (the old store is refused, the upgrade starts again from scratch) or
 * a complete one. PG_VERSION, which marks the old store, is moved last, so a re-run after a crash
 * finds it and moves what is left. The old store is only read, and guarded by the lock file an
 * older revmeta took on it, so an older revmeta still running on it is refused.
 */
export async function upgradePgliteStore(dir: string, schema: string): Promise<UpgradeResult> {
  const root = path.resolve(dir)
  const target = path.join(root, sqliteFileName)
  if (!existsSync(path.join(root, 'PG_VERSION'))) {
    const upgraded = existsSync(target) && existsSync(root) && (await readdir(root)).some((name) => name.startsWith(backupName))
    return { outcome: upgraded ? 'finished' : 'none', store: target, rows: {} }
  }
  const lock = await acquireStoreLock(`${root}.lock`)
  try {
    let rows: Record<string, number> = {}
    const copying = !existsSync(target)
    if (copying) {
      const staging = path.join(root, stagingName)
      await rm(staging, { recursive: true, force: true }) // a crashed attempt's
      try {
        rows = await copyInto(root, staging, schema)
      } catch (error) {
        await rm(staging, { recursive: true, force: true })
        throw error
      }
      await syncFile(path.join(staging, sqliteFileName))
      await rename(path.join(staging, sqliteFileName), target)
      await syncFile(root)
      await rm(staging, { recursive: true, force: true })
    }
    const backup = await moveAside(root)
    return { outcome: copying ? 'copied' : 'finished', store: target, rows, backup }
  } finally {
    await lock.release()
  }
}

async function copyInto(root: string, staging: string, schema: string): Promise<Record<string, number>> {
  const source = await openPgliteRunner(root, { locked: true })
  try {
    const sink = await openSqliteRunner(staging)
    try {
      await migrate(sink, schema)
      const rows = await sink.transaction((tx) => copyTables(source, schema, tx))
      // A file that holds everything by itself (no -wal beside it), so that renaming it moves the whole store.
      await sink.query('PRAGMA journal_mode = DELETE')
      return rows
    } finally {
      await sink.close()
    }
  } finally {
    await source.close()
  }
}

interface SourceColumn {
  readonly table_name: string
  readonly column_name: string
  readonly data_type: string
}

async function copyTables(source: SqlRunner, schema: string, sink: SqlExecutor): Promise<Record<string, number>> {
  const s = quoteIdent(schema)
  const [book] = await source.query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'revmeta_migrations'`, [schema])
  if (!book?.n) {
    throw storeError('STORE_INCOMPATIBLE', `The PGlite store has no revmeta schema ${schema} (store.schema): nothing to upgrade from. Set store.schema (or --schema) to the schema the older revmeta used.`, { details: { schema } })
  }
  const [newest] = await source.query<{ v: number | null }>(`SELECT max(version)::int AS v FROM ${s}.revmeta_migrations`)
  if ((newest?.v ?? 0) > newestKnown) {
    throw storeError('STORE_INCOMPATIBLE', `The PGlite store has migration ${newest!.v}, newer than this revmeta can upgrade from (${newestKnown}).`, { details: { schema, version: newest!.v } })
  }
  const columns = await source.query<SourceColumn>(
    `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema = $1 ORDER BY c.table_name, c.ordinal_position`,
    [schema],
  )
  const sinkTables = new Set((await sink.query<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`)).map((r) => r.name))
  const byTable = new Map<string, SourceColumn[]>()
  for (const c of columns) byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), c])
  const rows: Record<string, number> = {}
  // Parents before children (catalog_team_members and catalog_tags reference other tables).
  const order = [...byTable.keys()].filter((t) => !notCopied.has(t)).sort((a, b) => childRank(a) - childRank(b) || a.localeCompare(b))
  for (const table of order) {
    if (!sinkTables.has(table)) {
      throw storeError('STORE_INCOMPATIBLE', `The PGlite store's table ${table} has no counterpart in the SQLite store: this revmeta cannot upgrade it.`, { details: { schema, table } })
    }
    const sinkColumns = new Set((await sink.query<{ name: string }>(`SELECT name FROM pragma_table_info($1)`, [table])).map((r) => r.name))
    const copied = byTable.get(table)!.filter((c) => sinkColumns.has(c.column_name))
    rows[table] = await copyTable(source, sink, schema, table, copied)
    await carrySerials(source, sink, schema, table, copied)
  }
  await carryOperationSeq(source, sink, schema, byTable)
  return rows
}

const childRank = (table: string) => (table === 'catalog_team_members' || table === 'catalog_tags' ? 1 : 0)

/** A column as SQLite keeps it: JSON, uuids and big integers as text, times as ISO-8601 UTC with milliseconds, booleans 0/1. */
function readAs(column: SourceColumn): string {
  const c = quoteIdent(column.column_name)
  switch (column.data_type) {
    case 'timestamp with time zone':
      return `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    case 'timestamp without time zone':
      return `to_char(${c}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    case 'boolean':
      return `CASE WHEN ${c} THEN 1 WHEN NOT ${c} THEN 0 END`
    case 'integer':
    case 'smallint':
    case 'text':
      return c
    default: // json, jsonb, uuid, bigint (text, so no precision is lost on the way), anything else
      return `${c}::text`
  }
}

function writeAs(column: SourceColumn, value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (column.data_type === 'bigint') {
    const n = BigInt(value as string)
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n
  }
  return value
}

async function copyTable(source: SqlRunner, sink: SqlExecutor, schema: string, table: string, columns: readonly SourceColumn[]): Promise<number> {
  const select = `SELECT ctid::text AS "__ctid", ${columns.map((c) => `${readAs(c)} AS ${quoteIdent(c.column_name)}`).join(', ')}
    FROM ${quoteIdent(schema)}.${quoteIdent(table)} WHERE ctid > $1::tid ORDER BY ctid LIMIT ${pageRows}`
  const insert = `INSERT INTO main.${quoteIdent(table)} (${columns.map((c) => quoteIdent(c.column_name)).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`
  let after = '(0,0)'
  let count = 0
  for (;;) {
    // Keyset paging on the physical row address: the old store is only read, so it stays put.
    const page = await source.query<Record<string, unknown>>(select, [after])
    for (const row of page) await sink.query(insert, columns.map((c) => writeAs(c, row[c.column_name])))
    count += page.length
    if (page.length < pageRows) return count
    after = page.at(-1)!.__ctid as string
  }
}

/**
 * Ids keep going where PostgreSQL's sequences stood, not where the largest remaining row stands:
 * rows deleted since (upkeep) keep their ids unused, so nothing that still names one (an audit
 * row, a session's token) can come to mean a new row.
 */
async function carrySerials(source: SqlRunner, sink: SqlExecutor, schema: string, table: string, columns: readonly SourceColumn[]): Promise<void> {
  for (const column of columns) {
    const [owned] = await source.query<{ seq: string | null }>(`SELECT pg_get_serial_sequence($1, $2) AS seq`, [`${quoteIdent(schema)}.${quoteIdent(table)}`, column.column_name])
    if (!owned?.seq) continue
    const [state] = await source.query<{ v: string }>(`SELECT (CASE WHEN is_called THEN last_value ELSE 0 END)::text AS v FROM ${owned.seq}`)
    const value = Number(state?.v ?? 0)
    await sink.query(`INSERT INTO sqlite_sequence (name, seq) SELECT $1, 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = $2)`, [table, table])
    await sink.query(`UPDATE sqlite_sequence SET seq = max(seq, $2) WHERE name = $1`, [table, value])
  }
}

/** The queue order: PostgreSQL's operation_seq (or the counters row of a store migrated to 0010), never below an operation's seq. */
async function carryOperationSeq(source: SqlRunner, sink: SqlExecutor, schema: string, byTable: ReadonlyMap<string, readonly SourceColumn[]>): Promise<void> {
  const s = quoteIdent(schema)
  let value = 0
  if (byTable.has('counters')) {
    const [row] = await source.query<{ v: string }>(`SELECT value::text AS v FROM ${s}.counters WHERE name = 'operation_seq'`)
    value = Number(row?.v ?? 0)
  } else {
    const [exists] = await source.query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.sequences WHERE sequence_schema = $1 AND sequence_name = 'operation_seq'`, [schema])
    if (exists?.n) {
      const [row] = await source.query<{ v: string }>(`SELECT (CASE WHEN is_called THEN last_value ELSE 0 END)::text AS v FROM ${s}.operation_seq`)
      value = Number(row?.v ?? 0)
    }
  }
  await sink.query(`UPDATE main.counters SET value = max(value, $1, coalesce((SELECT max(seq) FROM main.operations), 0)) WHERE name = 'operation_seq'`, [value])
}

/** Moves every PGlite file out of store.dir into a backup directory, PG_VERSION last; returns that directory. */
async function moveAside(root: string): Promise<string> {
  let backup = path.join(root, backupName)
  for (let n = 2; existsSync(path.join(backup, 'PG_VERSION')); n++) backup = path.join(root, `${backupName}-${n}`)
  await mkdir(backup, { recursive: true })
  const keep = (name: string) => name.startsWith(sqliteFileName) || name.startsWith(backupName) || name === stagingName || name === 'PG_VERSION'
  for (const name of await readdir(root)) if (!keep(name)) await rename(path.join(root, name), path.join(backup, name))
  await syncFile(root)
  await rename(path.join(root, 'PG_VERSION'), path.join(backup, 'PG_VERSION'))
  await syncFile(root)
  return backup
}

/** fsync of a file or directory: a rename is durable only once its directory is synced. */
async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
