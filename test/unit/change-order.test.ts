import { describe, expect, it } from 'vitest'
import { screenSuperseded } from '../../src/execution/screen-superseded.js'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'
import type { AssetRef } from '../../src/model/asset.js'
import type { Change, ChangeOrigin, TagLabel } from '../../src/model/change.js'
import type { Operation } from '../../src/model/operation.js'
import { describeOrder, isOlder, newerOrder, type ChangeOrder } from '../../src/model/order.js'
import type { OmEntity, OmEntityType } from '../../src/openmetadata/om-types.js'
import { planOperations } from '../../src/planning/planner.js'
import { orderKeyString, type StoredOperation } from '../../src/store/state-store.js'
import { catalogChanges } from '../../src/sync/catalog-changes.js'
import { changeEvent, json, tag } from '../support/om-events.js'

const orders: AssetRef = { level: 'table', service: 'svc', database: 'db', schema: 'sales', table: 'orders' }
const origin = (index: number, order: ChangeOrder = {}): ChangeOrigin => ({ source: 'event', index, eventId: `e${index}`, ...order })
const desc = (after: string, index: number, order?: ChangeOrder): Change => ({ kind: 'description', asset: orders, after, origin: origin(index, order) })
const label = (tagFQN: string): TagLabel => ({ tagFQN, source: 'Classification' })
const tags = (added: string[], removed: string[], index: number, order?: ChangeOrder): Change => ({ kind: 'tags', asset: orders, added: added.map(label), removed: removed.map(label), origin: origin(index, order) })
const plan = (changes: Change[]) => planOperations(changes.map((change) => ({ channel: 'docs', change })))

describe('the order rule', () => {
  it('compares versions first, then timestamps; equal or missing is never older', () => {
    expect(isOlder({ version: 0.2, timestamp: 9 }, { version: 1.5, timestamp: 1 })).toBe(true)
    expect(isOlder({ version: 1.5, timestamp: 1 }, { version: 0.2, timestamp: 9 })).toBe(false)
    expect(isOlder({ version: 1, timestamp: 1 }, { version: 1, timestamp: 2 })).toBe(true)
    expect(isOlder({ version: 1 }, { timestamp: 2 })).toBe(false)
    expect(isOlder({ timestamp: 1 }, { version: 3, timestamp: 2 })).toBe(true)
    expect(isOlder({ version: 1, timestamp: 2 }, { version: 1, timestamp: 2 })).toBe(false)
    expect(isOlder(undefined, { version: 1 })).toBe(false)
    expect(newerOrder({ version: 1, timestamp: 9 }, { version: 2, timestamp: 1 })).toEqual({ version: 2, timestamp: 1 })
    expect(newerOrder({ version: 1 }, { timestamp: 5 })).toEqual({ version: 1, timestamp: 5 })
    expect(newerOrder(undefined, {})).toBeUndefined()
    expect(describeOrder({ version: 0.2, timestamp: 0 })).toBe('version 0.2, 1970-01-01T00:00:00.000Z')
  })
})

describe('normalized changes carry their order', () => {
  it('takes currentVersion and timestamp, on the fast path and through the schema alike', () => {
    const event = changeEvent('table', 'svc.db.sales.orders', { updated: [{ name: 'description', oldValue: 'a', newValue: 'b' }] }, { currentVersion: 1.5, timestamp: 1234 })
    const fast = normalizeChangeEvents([event]).changes[0]!.origin
    // A timestamp sent as a string takes the schema path.
    const viaSchema = normalizeChangeEvents([{ ...event, timestamp: '1234' }]).changes[0]!.origin
    expect(fast).toMatchObject({ version: 1.5, timestamp: 1234 })
    expect(viaSchema).toEqual(fast)
  })
})

describe('coalescing by order', () => {
  it('keeps the description of the newest change, by version first, whatever the input order', () => {
    const [op] = plan([desc('v2', 0, { version: 2, timestamp: 100 }), desc('v1', 1, { version: 1, timestamp: 900 })])
    expect(op).toMatchObject({ description: 'v2', order: { version: 2, timestamp: 100 } })
    expect(op!.origins.map((o) => o.eventId).sort()).toEqual(['e0', 'e1'])
    // Equal orders: the later in the input wins, as before.
    expect(plan([desc('a', 0, { version: 1 }), desc('b', 1, { version: 1 })])[0]).toMatchObject({ description: 'b' })
    // No order at all: input order.
    expect(plan([desc('a', 0), desc('b', 1)])[0]).toMatchObject({ description: 'b' })
  })

  it('decides each tag by the newest change that names it, each with its own order', () => {
    const [op] = plan([tags(['PII.Email'], [], 0, { version: 2 }), tags(['Tier.Gold'], ['PII.Email'], 1, { version: 1 })])
    if (op?.kind !== 'tags') throw new Error('expected a tags operation')
    expect(op.add.map((t) => [t.tagFQN, t.order])).toEqual([['PII.Email', { version: 2 }], ['Tier.Gold', { version: 1 }]])
    expect(op.remove).toEqual([])
    expect(op.order).toEqual({ version: 2 })
  })
})

describe('screening a claimed batch against recorded orders', () => {
  const stored = (id: number, op: Operation): StoredOperation => ({ id, runId: 1, key: op.id, service: op.service, seq: id, op, status: 'running', attempts: 1, runAt: new Date(0) })
  const [description] = plan([desc('old', 0, { version: 1, timestamp: 5 })])
  const [tagsOp] = plan([tags(['Tier.Gold'], ['PII.Email'], 0, { version: 1 })])
  const [unordered] = plan([desc('pipeline', 0)])
  const recorded = (entries: [string, string, ChangeOrder][]) => new Map(entries.map(([kind, item, order]) => [orderKeyString({ service: 'svc', asset: 'svc.db.sales.orders', kind: kind as 'tags', item }), order]))

  it('supersedes an older description, saying by what, and sends a newer or unordered one with its mark', () => {
    const older = screenSuperseded([stored(1, description!), stored(2, unordered!)], recorded([['description', '', { version: 2 }]]))
    expect(older.superseded).toHaveLength(1)
    expect(older.superseded[0]).toMatchObject({ id: 1, status: 'superseded', report: { status: 'superseded', supersededBy: { version: 2 }, order: { version: 1, timestamp: 5 } } })
    expect(older.send.map((s) => [s.claimed.id, s.marks])).toEqual([[2, []]])
    const newer = screenSuperseded([stored(1, description!)], recorded([['description', '', { version: 1, timestamp: 4 }]]))
    expect(newer.send[0]!.marks).toEqual([{ service: 'svc', asset: 'svc.db.sales.orders', kind: 'description', item: '', order: { version: 1, timestamp: 5 } }])
  })

  it('drops only the superseded items of a tags operation, and supersedes it when none remain', () => {
    const partly = screenSuperseded([stored(1, tagsOp!)], recorded([['tags', 'Classification:PII.Email', { version: 3 }]]))
    expect(partly.superseded).toEqual([])
    const sent = partly.send[0]!
    if (sent.op.kind !== 'tags') throw new Error('expected tags')
    expect([sent.op.add.map((t) => t.tagFQN), sent.op.remove]).toEqual([['Tier.Gold'], []])
    expect(sent.marks.map((m) => m.item)).toEqual(['Classification:Tier.Gold'])
    expect(sent.warnings[0]).toContain('Classification:PII.Email left out')
    const all = screenSuperseded([stored(1, tagsOp!)], recorded([['tags', 'Classification:PII.Email', { version: 3 }], ['tags', 'Classification:Tier.Gold', { version: 2 }]]))
    expect(all.send).toEqual([])
    expect(all.superseded[0]).toMatchObject({ status: 'superseded', report: { supersededBy: { version: 3 } } })
  })
})

describe('batch sync', () => {
  it('stamps each change with the entity version and the time it read the catalog', async () => {
    const table = { fullyQualifiedName: 'svc.db.sales.orders', description: 'from the catalog', version: 2.3, tags: [tag('PII.Email')] } as unknown as OmEntity
    const reader = {
      async *listEntities(type: OmEntityType): AsyncIterable<OmEntity> {
        if (type === 'database') yield { fullyQualifiedName: 'svc.db' } as OmEntity
        if (type === 'databaseSchema') yield { fullyQualifiedName: 'svc.db.sales' } as OmEntity
        if (type === 'table') yield table
      },
    }
    const before = Date.now()
    const { normalized } = await catalogChanges(reader, ['svc'])
    const stamped = normalized.changes.filter((c) => c.asset.level === 'table')
    expect(stamped.map((c) => c.kind).sort()).toEqual(['description', 'tags'])
    for (const change of stamped) {
      expect(change.origin.version).toBe(2.3)
      expect(change.origin.timestamp).toBeGreaterThanOrEqual(before)
    }
    // An event of an older version, however late, is older than what sync applied.
    const late = normalizeChangeEvents([changeEvent('table', 'svc.db.sales.orders', { added: [{ name: 'tags', newValue: json([tag('X.Y')]) }] }, { currentVersion: 2.2, timestamp: Date.now() + 60_000 })])
    expect(isOlder({ version: late.changes[0]!.origin.version }, { version: stamped[0]!.origin.version })).toBe(true)
  })
})
