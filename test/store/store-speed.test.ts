import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bothTargets, describeOp, report } from './store-support.js'

/**
 * A measure, not a target: the time the store itself adds to 20,000 operations (enqueue, claim in
 * batches, settle), printed so regressions show. The asserted figures live in `npm run bench`.
 */
describe.each(bothTargets())('store overhead on $name', (t) => {
  beforeAll(() => t.setup())
  afterAll(() => t.teardown())

  it('enqueues, claims and settles 20,000 operations', async () => {
    const store = await t.fresh()
    const ops = Array.from({ length: 20_000 }, (_, i) =>
      describeOp(i % 2 ? `t${i}` : `t${i}_col`, `Description number ${i}, with some 'quotes' and text to be realistic.`, { eventId: `ev-${i}` }),
    )
    const run = await store.createRun('apply')
    const t0 = performance.now()
    expect(await store.enqueue(run, ops)).toEqual({ inserted: 20_000, coalesced: 0 })
    const t1 = performance.now()
    let claimMs = 0
    let settleMs = 0
    let done = 0
    for (;;) {
      const c0 = performance.now()
      const batch = await store.claim('bench', { limit: 1_000, maxRunningPerService: { warehouse: 1_000 } })
      claimMs += performance.now() - c0
      if (batch.length === 0) break
      const s0 = performance.now()
      await store.settle('bench', batch.map((o) => ({ id: o.id, status: 'applied' as const, report: report(o, 'applied', true) })))
      settleMs += performance.now() - s0
      done += batch.length
    }
    const total = performance.now() - t0
    expect(done).toBe(20_000)
    expect((await store.finishRun(run)).counts).toMatchObject({ applied: 20_000, verified: 20_000 })
    console.log(
      `[store speed] ${t.name}: enqueue 20,000 in ${(t1 - t0).toFixed(0)} ms; claim ${claimMs.toFixed(0)} ms and settle ${settleMs.toFixed(0)} ms over 20 batches of 1,000; total ${total.toFixed(0)} ms`,
    )
  })
})
