import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadMigrations } from '../../src/store/migrate.js'
import { postgresTarget, sqliteTarget } from './store-support.js'

/**
 * The store's queries are one text for both databases, so both schemas must hold the same
 * tables, views, columns and indexes, and every migration must exist for both.
 */
describe('state store schema: PostgreSQL and SQLite alike', () => {
  const pg = postgresTarget()
  const lite = sqliteTarget()
  beforeAll(async () => {
    await pg.setup()
    await lite.setup()
  }, 60_000)
  afterAll(async () => {
    await pg.teardown()
    await lite.teardown()
  })

  it('has the same newest migration for both', async () => {
    const newest = (ms: { version: number }[]) => Math.max(...ms.map((m) => m.version))
    expect(newest(await loadMigrations('sqlite'))).toBe(newest(await loadMigrations('postgres')))
  })

  it('has the same tables, views, columns and indexes', async () => {
    const pgStore = await pg.fresh()
    const pgColumns = await pg.runner.query<{ t: string; c: string }>(
      `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = $1 ORDER BY 1, 2`,
      [pgStore.schema],
    )
    const pgIndexes = await pg.runner.query<{ i: string }>(`SELECT indexname AS i FROM pg_indexes WHERE schemaname = $1
       AND indexname NOT IN (SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1) ORDER BY 1`, [pgStore.schema])
    await lite.fresh()
    const liteColumns = await lite.runner.query<{ t: string; c: string }>(
      `SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p
       WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2`,
    )
    const liteIndexes = await lite.runner.query<{ i: string }>(`SELECT name AS i FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY 1`)
    const pairs = (rows: { t: string; c: string }[]) => rows.map((r) => `${r.t}.${r.c}`).sort()
    expect(pairs(liteColumns)).toEqual(pairs(pgColumns))
    expect(liteIndexes.map((r) => r.i).sort()).toEqual(pgIndexes.map((r) => r.i).sort())
  })
})
