import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DescriptionOperation, TagsOperation } from '../../src/model/operation.js'
import type { ChangeOrder } from '../../src/model/order.js'
import { orderKeyString } from '../../src/store/state-store.js'
import { bothTargets, describeOp, report, tagsOp } from './store-support.js'

const ordered = <T extends DescriptionOperation | TagsOperation>(op: T, order: ChangeOrder): T => ({ ...op, order })
const orderedTags = (table: string, add: [string, ChangeOrder][], remove: [string, ChangeOrder][], eventId: string): TagsOperation => {
  const op = tagsOp(table, add.map(([t]) => t), remove.map(([t]) => t), eventId)
  return { ...op, add: op.add.map((t, i) => ({ ...t, order: add[i]![1] })), remove: op.remove.map((t, i) => ({ ...t, order: remove[i]![1] })) }
}

describe.each(bothTargets())('change order on $name', (t) => {
  beforeAll(() => t.setup())
  afterAll(() => t.teardown())

  it('coalesces a pending description by order: an older one queued later keeps the newer value', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [ordered(describeOp('a', 'newer', { eventId: 'e2' }), { version: 0.3, timestamp: 2000 })])
    expect(await store.enqueue(run, [ordered(describeOp('a', 'older', { eventId: 'e1' }), { version: 0.2, timestamp: 3000 })])).toEqual({ inserted: 0, coalesced: 1 })
    const [op] = await store.operations({})
    expect(op!.op).toMatchObject({ description: 'newer', order: { version: 0.3, timestamp: 2000 } })
    expect(op!.op.origins.map((o) => o.eventId)).toEqual(['e2', 'e1'])
    // A newer one queued later still wins, as before.
    await store.enqueue(run, [ordered(describeOp('a', 'newest', { eventId: 'e3' }), { version: 0.4 })])
    const [newest] = await store.operations({})
    expect(newest!.op).toMatchObject({ description: 'newest' })
    // Newer by version: its order whole, not the older one's later timestamp.
    expect(newest!.op.order).toEqual({ version: 0.4 })
  })

  it('coalesces tags item by item by order', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [orderedTags('t', [['PII.Email', { timestamp: 2000 }]], [], 'e2')])
    // Older: removing PII.Email is superseded by the newer add; adding Tier.Gold still counts.
    await store.enqueue(run, [orderedTags('t', [['Tier.Gold', { timestamp: 1000 }]], [['PII.Email', { timestamp: 1000 }]], 'e1')])
    const [op] = await store.operations({})
    if (op!.op.kind !== 'tags') throw new Error('not a tags operation')
    expect(op!.op.add.map((x) => [x.tagFQN, x.order])).toEqual([['PII.Email', { timestamp: 2000 }], ['Tier.Gold', { timestamp: 1000 }]])
    expect(op!.op.remove).toEqual([])
  })

  it('records the order of what was applied or found in place, as a maximum, and settles superseded', async () => {
    const store = await t.fresh()
    const key = { service: 'warehouse', asset: 'warehouse.shop.sales.a', kind: 'description' as const, item: '' }
    const run = await store.createRun('apply')
    await store.enqueue(run, [describeOp('a', 'x'), describeOp('b', 'y'), describeOp('c', 'z')])
    const claimed = await store.claim('w1', { limit: 10 })
    const byTable = (name: string) => claimed.find((c) => c.key.includes(`.${name}|`))!
    const a = byTable('a')
    const b = byTable('b')
    const c = byTable('c')
    await store.settle('w1', [
      { id: a.id, op: a.op, status: 'applied', report: report(a, 'applied'), marks: [{ ...key, order: { version: 2, timestamp: 5 } }] },
      // Failed and superseded operations record nothing.
      { id: b.id, op: b.op, status: 'superseded', report: { ...report(b, 'superseded'), supersededBy: { version: 3 } }, marks: [{ ...key, order: { version: 9 } }] },
      { id: c.id, op: c.op, status: 'retry', error: { code: 'CONNECTION_FAILED', message: 'x', retryable: true }, runAt: new Date(), report: report(c, 'queued'), marks: [{ ...key, order: { version: 9 } }] },
    ])
    expect(await store.orders([key, { ...key, asset: 'other' }])).toEqual(new Map([[orderKeyString(key), { version: 2, timestamp: 5 }]]))
    const stored = (await store.operations({ ids: [b.id] }))[0]!
    expect(stored.status).toBe('superseded')
    expect(stored.report).toMatchObject({ status: 'superseded', supersededBy: { version: 3 } })
    expect((await store.getRun(run))!.counts).toMatchObject({ superseded: 1, applied: 1, pending: 1 })

    // An older mark settled later (another channel, another worker) never lowers it.
    const run2 = await store.createRun('apply')
    await store.enqueue(run2, [describeOp('d', 'w'), describeOp('e', 'v')])
    const [d, e] = await store.claim('w2', { limit: 10 })
    await store.settle('w2', [
      { id: d!.id, op: d!.op, status: 'unchanged', report: report(d!, 'unchanged'), marks: [{ ...key, order: { version: 1, timestamp: 99 } }] },
      { id: e!.id, op: e!.op, status: 'applied', report: report(e!, 'applied'), marks: [{ ...key, order: { version: 2, timestamp: 7 } }] },
    ])
    expect((await store.orders([key])).get(orderKeyString(key))).toEqual({ version: 2, timestamp: 7 })
  })
})
