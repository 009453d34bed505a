import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OperationReport } from '../../src/model/report.js'
import type { StoredOperation } from '../../src/store/state-store.js'
import { hostileBase, mixedUnicode } from '../support/hostile-strings.js'
import { bothTargets, describeOp } from './store-support.js'

describe.each(bothTargets())('events, audit and cursors on $name', (t) => {
  beforeAll(() => t.setup())
  afterAll(() => t.teardown())

  it('records events once, whatever the redelivery', async () => {
    const store = await t.fresh()
    const events = Array.from({ length: 2_500 }, (_, i) => ({ id: `ev-${i}`, source: 'webhook', payload: { i, text: "it's \\ \"quoted\"" } }))
    const first = await store.recordEvents(events)
    expect(first.size).toBe(2_500)
    const again = await store.recordEvents([...events.slice(2_000), { id: 'ev-new', source: 'poll', payload: null }, { id: 'ev-new', source: 'poll', payload: {} }])
    expect([...again]).toEqual(['ev-new'])
    expect((await store.recordEvents([])).size).toBe(0)
  })

  it('records events and queues their operations in one transaction: a failure in between leaves neither', async () => {
    const store = await t.fresh()
    const events = [{ id: 'ev-a', source: 'webhook', payload: { n: 1 } }]
    await expect(
      store.intake('webhook', events, () => {
        throw new Error('planning failed')
      }),
    ).rejects.toThrow('planning failed')
    expect(await store.listRuns(10)).toEqual([])
    // Not recorded as seen: the redelivery is taken and queued.
    const taken = await store.intake('webhook', events, (fresh) => ({ operations: fresh.has('ev-a') ? [describeOp('a', 'x')] : [] }))
    expect([...taken.fresh]).toEqual(['ev-a'])
    expect(taken.runId).toBeGreaterThan(0)
    expect((await store.operations({ runId: taken.runId! })).map((o) => o.key)).toEqual([describeOp('a', 'x').id])
    // Seen now: nothing new, and no run made for nothing.
    const again = await store.intake('webhook', events, (fresh) => ({ operations: fresh.size > 0 ? [describeOp('a', 'y')] : [] }))
    expect(again.fresh.size).toBe(0)
    expect(again.runId).toBeUndefined()
    expect(await store.listRuns(10)).toHaveLength(1)
  })

  it('keeps cursors', async () => {
    const store = await t.fresh()
    expect(await store.getCursor('om-events')).toBeUndefined()
    await store.setCursor('om-events', '1700000000000')
    await store.setCursor('om-events', '1700000000999')
    await store.setCursor('other', 'x')
    expect(await store.getCursor('om-events')).toBe('1700000000999')
  })

  it('tells a known empty value from an unknown one in the audit', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [describeOp('a', 'x')])
    const [op] = await store.operations({})
    const base = { operationId: op!.id, runId: run, attempt: 1, service: 'warehouse', asset: 'warehouse.shop.sales.a', kind: 'description' as const, outcome: 'sent' as const }
    const at = new Date('2024-05-01T10:00:00Z')
    await store.recordAudit([
      { ...base, statement: 'one', before: null, after: "it's" },
      { ...base, statement: 'two', after: null },
      { ...base, statement: 'three', before: '', after: 'null', at },
    ])
    const rows = await store.audit({ operationId: op!.id })
    expect(rows.map((r) => r.statement)).toEqual(['one', 'two', 'three'])
    expect(rows[0]).toMatchObject({ before: null, after: "it's" })
    expect('before' in rows[1]!).toBe(false)
    expect(rows[1]!.after).toBeNull()
    expect(rows[2]).toMatchObject({ before: '', after: 'null', at })
    expect(await store.audit({ runId: run + 1 })).toEqual([])
  })

  it('gives back the settled report as it was, whatever it repeats of its operation or not', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [describeOp('plain', 'x', { eventId: 'e1' }), describeOp('odd', 'y', { eventId: 'e2' })])
    const [plain, odd] = await store.claim('w', { limit: 2 })
    // In the order ServiceSession builds reports, which the JSON output keeps.
    const settled = (o: StoredOperation, changes: Partial<OperationReport>): OperationReport => ({
      id: o.op.id,
      channel: o.op.channel,
      service: o.op.service,
      asset: o.key.split('|')[1]!,
      level: 'table',
      kind: 'description',
      status: 'applied',
      statements: ['COMMENT ON TABLE x IS y'],
      warnings: ['a warning'],
      origins: [{ index: 0, eventId: o.op.origins[0]!.eventId! }],
      desired: 'x',
      current: null,
      verified: true,
      ...changes,
    })
    const expected = [
      settled(plain!, {}),
      // Fields that differ from the operation's own are kept as they are.
      settled(odd!, { asset: 'somewhere.else', level: 'column', origins: [{ index: 7, user: 'u' }], service: 'other' }),
    ]
    await store.settle('w', [
      { id: plain!.id, op: plain!.op, status: 'applied', report: expected[0]! },
      { id: odd!.id, op: odd!.op, status: 'applied', report: expected[1]! },
    ])
    const back = await store.operations({ runId: run })
    expect(back.map((o) => o.report)).toStrictEqual(expected.map((r) => JSON.parse(JSON.stringify(r))))
    expect(back.map((o) => Object.keys(o.report!))).toEqual(expected.map((r) => Object.keys(r)))
  })

  it('keeps any text in the audit and the events exactly', async () => {
    const store = await t.fresh()
    const run = await store.createRun('apply')
    await store.enqueue(run, [describeOp('a', 'x')])
    const [op] = await store.operations({})
    const texts = [...Object.values(hostileBase), mixedUnicode, 'NULL', '', '{a,b}', '"', '\\', ' padded ']
    await store.recordAudit(
      texts.map((text) => ({ operationId: op!.id, runId: run, attempt: 1, service: text, asset: text, kind: 'description' as const, statement: text, before: text, after: text, outcome: 'sent' as const })),
    )
    const rows = await store.audit({ operationId: op!.id })
    expect(rows.map((r) => [r.statement, r.service, r.asset, r.before, r.after])).toEqual(texts.map((text) => [text, text, text, text, text]))
    const fresh = await store.recordEvents(texts.map((text, i) => ({ id: `${text}#${i}`, source: text, payload: { text } })))
    expect(fresh).toEqual(new Set(texts.map((text, i) => `${text}#${i}`)))
  })
})
