import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SqlDialect, SqlRunner } from './sql-runner.js'
import { classifyStoreError, storeError } from './store-errors.js'

export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

/**
 * The .sql files sit beside this module in the source tree, one folder per database: PostgreSQL's
 * in migrations/postgres/, SQLite's in migrations/sqlite/ (the same version numbers, the same tables and
 * columns; test/store/schema-parity.test.ts holds them together). tsc does not copy them into
 * dist/, so a built revmeta looks in the source tree next to dist/ (the repository layout) as well.
 */
const candidateDirs = [new URL('./migrations/', import.meta.url), new URL('../../src/store/migrations/', import.meta.url)]

export async function loadMigrations(dialect: SqlDialect['name'] = 'postgres'): Promise<Migration[]> {
  const dirs = candidateDirs.map((u) => path.join(fileURLToPath(u), dialect))
  const dir = dirs.find((d) => existsSync(d))
  if (dir === undefined) throw storeError('STORE_INCOMPATIBLE', `The state store's migration files are missing (looked in ${dirs.join(', ')}).`)
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort()
  return Promise.all(
    files.map(async (file) => ({ version: Number(file.slice(0, 4)), name: file.replace(/\.sql$/, ''), sql: await readFile(`${dir}/${file}`, 'utf8') })),
  )
}

/** Per database: how the migration bookkeeping table is made, and what runs before each migration. */
const bookkeeping: Record<SqlDialect['name'], { table(s: string): string; before(s: string): string }> = {
  postgres: {
    table: (s) => `CREATE SCHEMA IF NOT EXISTS ${s};
      CREATE TABLE IF NOT EXISTS ${s}.revmeta_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    // Migrations name their tables unqualified, so the schema name stays configurable.
    before: (s) => `SET LOCAL search_path TO ${s}`,
  },
  sqlite: {
    table: (s) => `CREATE TABLE IF NOT EXISTS ${s}.revmeta_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))`,
    before: () => '',
  },
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** A string literal for SQL sent without parameters (several statements in one round trip). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/**
 * Whether every migration is recorded already and none newer, read without a transaction: a store
 * at this revmeta's schema (nearly every open) then opens without the write lock, so a reader such
 * as `revmeta runs` never waits behind another process's write. Anything else (no bookkeeping
 * table yet, an error) leaves the answer to the locked path, which re-reads under the lock.
 */
async function upToDate(runner: SqlRunner, s: string, all: readonly Migration[]): Promise<boolean> {
  try {
    const rows = await runner.query<{ version: number | string }>(`SELECT version FROM ${s}.revmeta_migrations`)
    const done = new Set(rows.map((r) => Number(r.version)))
    const known = new Set(all.map((m) => m.version))
    return all.every((m) => done.has(m.version)) && [...done].every((v) => known.has(v))
  } catch {
    return false
  }
}

/**
 * Brings `schema` up to the newest migration in one transaction, recording each in
 * `revmeta_migrations`. Processes starting together serialize (an advisory lock on PostgreSQL,
 * the write lock on SQLite) held until commit, so each migration runs once and the others find
 * it recorded.
 */
export async function migrate(runner: SqlRunner, schema: string, migrations?: readonly Migration[]): Promise<number[]> {
  const all = migrations ?? (await loadMigrations(runner.dialect.name))
  const s = runner.dialect.tables(schema)
  const book = bookkeeping[runner.dialect.name]
  if (await upToDate(runner, s, all)) return []
  return runner.transaction(async (tx) => {
    await runner.serialize(tx, `revmeta.migrate:${schema}`)
    await tx.exec(book.table(s))
    const rows = await tx.query<{ version: number }>(`SELECT version FROM ${s}.revmeta_migrations ORDER BY version`)
    const done = new Set(rows.map((r) => Number(r.version)))
    const newest = Math.max(0, ...all.map((m) => m.version))
    const ahead = [...done].filter((v) => v > newest)
    if (ahead.length > 0) {
      throw storeError('STORE_INCOMPATIBLE', `State store schema ${schema} has migration ${Math.max(...ahead)}, newer than this revmeta knows (${newest}).`, {
        details: { schema, version: Math.max(...ahead), known: newest },
      })
    }
    const applied: number[] = []
    for (const m of all) {
      if (done.has(m.version)) continue
      const before = book.before(s)
      if (before) await tx.exec(before)
      try {
        await tx.exec(m.sql)
      } catch (cause) {
        const lost = classifyStoreError(cause, 'migration')
        if (lost !== cause) throw lost
        throw storeError('STORE_INCOMPATIBLE', `State store migration ${m.name} failed in schema ${schema}: ${(cause as Error).message}`, { cause, details: { schema, migration: m.name } })
      }
      await tx.query(`INSERT INTO ${s}.revmeta_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name])
      applied.push(m.version)
    }
    return applied
  })
}
