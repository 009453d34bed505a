import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SqlStateStore } from '../../src/store/sql-state-store.js'
import { describeOp, sqliteTarget, report } from './store-support.js'

/** The embedded store has no autovacuum: it vacuums itself, by a count it keeps in the store. */
describe('embedded store upkeep', () => {
  const t = sqliteTarget()
  beforeAll(() => t.setup())
  afterAll(() => t.teardown())

  it('vacuums once 5,000 operations settled since the last VACUUM, counting across store objects and runs', async () => {
    const first = await t.fresh()
    const count = async () => Number((await t.runner.query<{ settled: number }>(`SELECT settled FROM "${first.schema}".maintenance`))[0]!.settled)
    // Only VACUUM sets pages all-visible.
    const visiblePages = async () => Number((await t.runner.query<{ n: number }>(`SELECT relallvisible AS n FROM pg_class WHERE oid = '"${first.schema}".operations'::regclass`))[0]!.n)
    const applyAll = async (store: SqlStateStore, prefix: string, n: number) => {
      const run = await store.createRun('apply')
      await store.enqueue(run, Array.from({ length: n }, (_, i) => describeOp(`${prefix}${i}`, 'x')))
      for (;;) {
        const batch = await store.claim('w', { limit: 1_000 })
        if (batch.length === 0) return
        await store.settle('w', batch.map((o) => ({ id: o.id, op: o.op, status: 'applied' as const, report: report(o, 'applied', true) })))
      }
    }
    await applyAll(first, 'a', 3_000)
    expect(await count()).toBe(3_000)
    expect(await visiblePages()).toBe(0)
    // Another process's store object: the count lives in the store, so short runs add up.
    const second = new SqlStateStore(t.runner, first.schema)
    await applyAll(second, 'b', 3_000)
    // 5,000 reached after the second batch of this run: vacuumed, then counted again from 0.
    expect(await count()).toBe(1_000)
    expect(await visiblePages()).toBeGreaterThan(0)
  })
})
