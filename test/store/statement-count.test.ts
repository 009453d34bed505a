import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SqlExecutor, SqlRunner } from '../../src/store/sql-runner.js'
import { SqlStateStore } from '../../src/store/sql-state-store.js'
import { bothTargets, describeOp, report } from './store-support.js'

/** The runner with every statement counted (issue 17: the durable path stores each thing once, in bulk). */
function counting(inner: SqlRunner): { runner: SqlRunner; taken(): number } {
  let n = 0
  const wrap = (ex: SqlExecutor): SqlExecutor => ({
    query: (sql, params) => {
      n++
      return ex.query(sql, params)
    },
    exec: (sql) => {
      n++
      return ex.exec(sql)
    },
  })
  const runner: SqlRunner = {
    ...wrap(inner),
    dialect: inner.dialect,
    transaction: (fn) => inner.transaction((tx) => fn(wrap(tx))),
    serialize: (tx, name) => inner.serialize(tx, name),
    close: async () => {},
  }
  return {
    runner,
    taken() {
      const taken = n
      n = 0
      return taken
    },
  }
}

describe.each(bothTargets())('statements per batch on $name', (t) => {
  beforeAll(() => t.setup())
  afterAll(() => t.teardown())

  it('takes a handful of statements per thousand events, operations, claims, audit rows and settlements', async () => {
    const base = await t.fresh()
    const { runner, taken } = counting(t.runner)
    const store = new SqlStateStore(runner, base.schema)
    const run = await store.createRun('apply')
    taken()
    await store.recordEvents(Array.from({ length: 5_000 }, (_, i) => ({ id: `ev-${i}`, source: 'webhook', payload: { i } })))
    expect(taken()).toBeLessThanOrEqual(5 + 1)
    // 5,000 keys, half of them twice, and 1,000 coalescing into pending operations queued before.
    await store.enqueue(run, Array.from({ length: 1_000 }, (_, i) => describeOp(`t${i}`, 'first')))
    taken()
    const ops = Array.from({ length: 7_500 }, (_, i) => describeOp(`t${i % 5_000}`, `v${i}`))
    expect(await store.enqueue(run, ops)).toEqual({ inserted: 4_000, coalesced: 3_500 })
    expect(taken()).toBeLessThanOrEqual(5 * 3 + 3)
    const claimed = await store.claim('w', { limit: 1_000, maxRunningPerService: { warehouse: 2_000 } })
    expect(claimed).toHaveLength(1_000)
    expect(taken()).toBeLessThanOrEqual(5)
    await store.recordAudit(claimed.map((o) => ({ operationId: o.id, runId: run, attempt: 1, service: 'warehouse', asset: o.key, kind: 'description' as const, statement: 'COMMENT', outcome: 'sent' as const })))
    expect(taken()).toBeLessThanOrEqual(1)
    const marks = (o: (typeof claimed)[number]) => [{ service: 'warehouse', asset: o.key, kind: 'description' as const, item: '', order: { version: 1 } }]
    expect(await store.settle('w', claimed.map((o) => ({ id: o.id, op: o.op, status: 'applied' as const, report: report(o, 'applied'), marks: marks(o) })))).toHaveLength(1_000)
    expect(taken()).toBeLessThanOrEqual(5)
    expect((await store.orders(claimed.map((o) => marks(o)[0]!))).size).toBe(1_000)
    expect(taken()).toBe(1)
  })
})
