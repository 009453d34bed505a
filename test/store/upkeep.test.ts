import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headOfKey, pendingServicesSql, readySql } from '../../src/store/queue-sql.js'
import { describeOp, report, sqliteTarget } from './store-support.js'

/**
 * The embedded store (SQLite) needs no upkeep: SQLite reuses freed pages, and claims read pending
 * rows only, through partial indexes, so settled history never slows them down
 * (PGlite needed VACUUM and ANALYZE for that; they are gone).
 */
describe('embedded store upkeep', () => {
  const t = sqliteTarget()
  beforeAll(() => t.setup())
  afterAll(() => t.teardown())

  it('claims through the partial indexes, whatever the settled history', async () => {
    const store = await t.fresh()
    const s = t.runner.dialect.tables(store.schema)
    const cycle = async (prefix: string) => {
      const run = await store.createRun('apply')
      await store.enqueue(run, Array.from({ length: 2_000 }, (_, i) => describeOp(`${prefix}${i % 1_000}`, `${prefix}${i}`)))
      for (;;) {
        const batch = await store.claim('w', { limit: 500 })
        if (batch.length === 0) return
        await store.settle('w', batch.map((o) => ({ id: o.id, op: o.op, status: 'applied' as const, report: report(o, 'applied', true) })))
      }
    }
    await cycle('a')
    const plan = async (sql: string, params: unknown[]) =>
      (await t.runner.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => r.detail).join('\n')
    const ready = await plan(readySql(s, '$1', '$2'), ['warehouse', 500])
    expect(ready).toMatch(/USING INDEX operations_claim_due/)
    expect(ready).toMatch(/USING (COVERING )?INDEX operations_unsettled_key/)
    expect(ready).not.toMatch(/SCAN (o|e|operations)\b(?! USING)/)
    expect(await plan(pendingServicesSql(s), [])).toMatch(/USING (COVERING )?INDEX operations_claim_due/)
    expect(headOfKey(s, 'o')).toContain("e.status IN ('pending', 'running')")
  })
})
