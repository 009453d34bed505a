import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { SqlRunner } from './sql-runner.js'
import { classifyStoreError, storeError } from './store-errors.js'

export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

/**
 * The .sql files sit beside this module in the source tree. tsc does not copy them into dist/,
 * so a built revmeta looks in the source tree next to dist/ (the repository layout) as well.
 */
const candidateDirs = [new URL('./migrations/', import.meta.url), new URL('../../src/store/migrations/', import.meta.url)]

export async function loadMigrations(): Promise<Migration[]> {
  const dir = candidateDirs.map((u) => fileURLToPath(u)).find((d) => existsSync(d))
  if (dir === undefined) throw storeError('STORE_INCOMPATIBLE', `The state store's migration files are missing (looked in ${candidateDirs.map((u) => fileURLToPath(u)).join(', ')}).`)
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort()
  return Promise.all(
    files.map(async (file) => ({ version: Number(file.slice(0, 4)), name: file.replace(/\.sql$/, ''), sql: await readFile(`${dir}/${file}`, 'utf8') })),
  )
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** A string literal for SQL sent without parameters (several statements in one round trip). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/**
 * Brings `schema` up to the newest migration in one transaction, recording each in
 * `revmeta_migrations`. Workers starting together on one PostgreSQL serialize on an advisory lock
 * held until commit, so each migration runs once and the others find it recorded.
 */
export async function migrate(runner: SqlRunner, schema: string, migrations?: readonly Migration[]): Promise<number[]> {
  const all = migrations ?? (await loadMigrations())
  const s = quoteIdent(schema)
  return runner.transaction(async (tx) => {
    if (runner.kind === 'postgres') await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1)::bigint)`, [`revmeta.migrate:${schema}`])
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${s};
      CREATE TABLE IF NOT EXISTS ${s}.revmeta_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
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
      await tx.exec(`SET LOCAL search_path TO ${s}`)
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
