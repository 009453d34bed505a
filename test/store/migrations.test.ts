import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadMigrations, migrate } from '../../src/store/migrate.js'
import { openStore } from '../../src/store/open-store.js'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { SqlRunner } from '../../src/store/sql-runner.js'
import { openSqliteRunner } from '../../src/store/sqlite-runner.js'
import { bothTargets, postgresTarget } from './store-support.js'

describe.each(bothTargets())('migrations on $name', (t) => {
  const closing: (() => Promise<void>)[] = []
  beforeAll(() => t.setup())
  afterAll(async () => {
    for (const close of closing.splice(0)) await close()
    await t.teardown()
  })

  /** An unmigrated store: a schema of the shared PostgreSQL database, or a SQLite file of its own. */
  async function blank(schema: string): Promise<{ runner: SqlRunner; s: string }> {
    if (t.name === 'postgres') return { runner: t.runner, s: t.runner.dialect.tables(schema) }
    const dir = await mkdtemp(path.join(tmpdir(), 'revmeta-mig-'))
    const runner = await openSqliteRunner(dir)
    closing.push(async () => {
      await runner.close()
      await rm(dir, { recursive: true, force: true })
    })
    return { runner, s: runner.dialect.tables(schema) }
  }

  it('applies every numbered migration once, and nothing on the next open', async () => {
    const { runner, s } = await blank('mig_once')
    const all = await loadMigrations(runner.dialect.name)
    expect(all.length).toBeGreaterThan(0)
    expect(await migrate(runner, 'mig_once')).toEqual(all.map((m) => m.version))
    expect(await migrate(runner, 'mig_once')).toEqual([])
    const rows = await runner.query<{ version: number }>(`SELECT version FROM ${s}.revmeta_migrations ORDER BY version`)
    expect(rows.map((r) => Number(r.version))).toEqual(all.map((m) => m.version))
  })

  it('opens through openStore in the default schema and again without changes', async () => {
    const first = await openStore(t.config())
    const run = await first.createRun('apply')
    await first.close()
    const second = await openStore(t.config())
    expect((await second.getRun(run))?.mode).toBe('apply')
    await second.close()
  })

  it('rolls a failing migration back whole and refuses a store newer than this revmeta', async () => {
    const broken = [{ version: 1, name: '0001_broken', sql: 'CREATE TABLE ok_part (x int); SELECT no_such_function();' }]
    const first = await blank('mig_broken')
    await expect(migrate(first.runner, 'mig_broken', broken)).rejects.toMatchObject({ code: 'STORE_INCOMPATIBLE' })
    const left =
      t.name === 'postgres'
        ? await first.runner.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'mig_broken'`)
        : await first.runner.query(`SELECT 1 FROM sqlite_master WHERE name IN ('ok_part', 'revmeta_migrations')`)
    expect(left).toEqual([])
    const newer = await blank('mig_newer')
    await migrate(newer.runner, 'mig_newer')
    await newer.runner.query(`INSERT INTO ${newer.s}.revmeta_migrations (version, name) VALUES (999, '0999_future')`)
    await expect(migrate(newer.runner, 'mig_newer')).rejects.toMatchObject({ code: 'STORE_INCOMPATIBLE' })
  })

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(openStore({ ...t.config(), schema: 'x"; DROP TABLE y; --' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' })
  })
})

describe('migrations under concurrency on PostgreSQL', () => {
  const t = postgresTarget()
  beforeAll(() => t.setup())
  afterAll(() => t.teardown())

  it('lets several workers open a fresh store at the same moment', async () => {
    const stores = await Promise.all(Array.from({ length: 4 }, () => openStore({ ...t.config(), schema: 'together', poolSize: 2 })))
    try {
      const rows = await t.runner.query<{ n: string }>('SELECT count(*) AS n FROM together.revmeta_migrations')
      expect(Number(rows[0]!.n)).toBe((await loadMigrations()).length)
      const runs = await Promise.all(stores.map((s) => s.createRun('apply')))
      expect(new Set(runs).size).toBe(4)
    } finally {
      await Promise.all(stores.map((s) => s.close()))
    }
  })
})
