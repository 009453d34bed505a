import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadMigrations, migrate } from '../../src/store/migrate.js'
import { openStore } from '../../src/store/open-store.js'
import { bothTargets, postgresTarget } from './store-support.js'

describe.each(bothTargets())('migrations on $name', (t) => {
  beforeAll(() => t.setup())
  afterAll(() => t.teardown())

  it('applies every numbered migration once, and nothing on the next open', async () => {
    const all = await loadMigrations()
    expect(all[0]).toMatchObject({ version: 1, name: '0001_init' })
    expect(await migrate(t.runner, 'mig_once')).toEqual(all.map((m) => m.version))
    expect(await migrate(t.runner, 'mig_once')).toEqual([])
    const rows = await t.runner.query<{ version: number }>('SELECT version FROM mig_once.revmeta_migrations')
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
    await expect(migrate(t.runner, 'mig_broken', broken)).rejects.toMatchObject({ code: 'STORE_INCOMPATIBLE' })
    const left = await t.runner.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'mig_broken'`)
    expect(left).toEqual([])
    await migrate(t.runner, 'mig_newer')
    await t.runner.query(`INSERT INTO mig_newer.revmeta_migrations (version, name) VALUES (999, '0999_future')`)
    await expect(migrate(t.runner, 'mig_newer')).rejects.toMatchObject({ code: 'STORE_INCOMPATIBLE' })
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
