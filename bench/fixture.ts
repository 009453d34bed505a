import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { admin, commentSql, configYaml, connect, createSchemaSql, median, now, psqlFile, server, writeEventsJson, type Shape } from './support.js'

/**
 * A fresh database with the bench schema, the events and SQL files in a temp dir, and a way to
 * clear every comment between runs. Both benches that apply to PostgreSQL start from this.
 */
export interface Fixture {
  readonly database: string
  readonly dir: string
  readonly shape: Shape
  readonly eventsFile: string
  readonly sqlFile: string
  /** Clears every comment the bench writes and tidies the catalog, so each run starts alike. */
  reset(): Promise<void>
  /** Writes a configuration file and returns its path. */
  config(name: string, yaml: string): Promise<string>
  drop(): Promise<void>
}

export async function fixture(label: string, shape: Shape): Promise<Fixture> {
  const database = `revmeta_bench_${label}_${randomBytes(3).toString('hex')}`
  const dir = await mkdtemp(path.join(tmpdir(), `revmeta-bench-${label}-`))
  const drop = async () => {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`))
    await rm(dir, { recursive: true, force: true })
  }
  await admin((c) => c.query(`CREATE DATABASE ${database}`))
  try {
    const db = await connect(database)
    await db.query(createSchemaSql(shape)).finally(() => db.end())
  } catch (error) {
    await drop()
    throw error
  }
  const eventsFile = path.join(dir, 'events.json')
  const sqlFile = path.join(dir, 'comments.sql')
  const resetFile = path.join(dir, 'reset.sql')
  await writeEventsJson(eventsFile, shape, database)
  await writeFile(sqlFile, commentSql(shape))
  await writeFile(resetFile, commentSql(shape, true))
  return {
    database,
    dir,
    shape,
    eventsFile,
    sqlFile,
    async reset() {
      await psqlFile(database, resetFile)
      const c = await connect(database)
      try {
        await c.query('VACUUM ANALYZE pg_catalog.pg_description')
        await c.query('CHECKPOINT')
      } finally {
        await c.end()
      }
    },
    async config(name, yaml) {
      const file = path.join(dir, `${name}.yaml`)
      await writeFile(file, yaml)
      return file
    },
    drop,
  }
}

/** Comments on the bench schemas' tables and columns: what a run left in the database. */
export async function benchComments(database: string): Promise<number> {
  const c = await connect(database)
  try {
    const sql = `SELECT count(*)::int AS n FROM pg_catalog.pg_description d
      JOIN pg_catalog.pg_class c ON d.classoid = 'pg_catalog.pg_class'::regclass AND c.oid = d.objoid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname LIKE 'sch\\_%'`
    return (await c.query<{ n: number }>(sql)).rows[0]!.n
  } finally {
    await c.end()
  }
}

/** A PostgreSQL database for a durable store, dropped with the fixture's own. */
export async function storeDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `revmeta_bench_${label}_store_${randomBytes(3).toString('hex')}`
  await admin((c) => c.query(`CREATE DATABASE ${name}`))
  return {
    url: `postgres://${server.user}@${server.host}:${server.port}/${name}`,
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  }
}

export interface Variant {
  readonly name: string
  /** One timed run from a reset database; returns milliseconds. */
  readonly once: () => Promise<number>
}

/** A warm-up of every variant, then `rounds` interleaved rounds (reset before each run); medians per variant. */
export async function measure(
  f: Fixture,
  variants: readonly Variant[],
  rounds: number,
  log: (line: string) => void,
  warmUp: (name: string, ms: number) => void = () => {},
): Promise<Map<string, { median: number; runs: number[] }>> {
  const runs = new Map(variants.map((v) => [v.name, [] as number[]]))
  for (let round = 0; round <= rounds; round++) {
    for (const v of variants) {
      await f.reset()
      const ms = await v.once()
      if (round > 0) runs.get(v.name)!.push(ms)
      else warmUp(v.name, ms)
      log(`  ${round === 0 ? 'warm-up' : `round ${round}`}  ${v.name.padEnd(34)} ${(ms / 1000).toFixed(3)} s`)
    }
  }
  return new Map([...runs].map(([name, list]) => [name, { median: median(list), runs: list }]))
}

export const timed = async (fn: () => Promise<unknown>): Promise<number> => {
  const start = now()
  await fn()
  return now() - start
}
