import { describe, expect, it } from 'vitest'
import type { AssetRef } from '../../src/model/asset.js'
import type { Change, OwnerRef, TagLabel } from '../../src/model/change.js'
import { planOperations } from '../../src/planning/planner.js'

const orders: AssetRef = { level: 'table', service: 'svc', database: 'db', schema: 'sales', table: 'orders' }
const email: AssetRef = { level: 'column', service: 'svc', database: 'db', schema: 'sales', table: 'customers', column: 'email' }
const origin = (index: number, timestamp?: number) => ({ source: 'event' as const, index, eventId: `e${index}`, timestamp })
const desc = (asset: AssetRef, after: string | null, index: number, ts?: number): Change => ({ kind: 'description', asset, after, origin: origin(index, ts) })
const alice: OwnerRef = { type: 'user', name: 'alice' }
const bob: OwnerRef = { type: 'user', name: 'bob' }
const pii: TagLabel = { tagFQN: 'PII.Sensitive', source: 'Classification' }
const tier: TagLabel = { tagFQN: 'Tier.Tier1', source: 'Classification' }

describe('planOperations', () => {
  it('coalesces descriptions of one asset into the latest value and keeps every origin', () => {
    const ops = planOperations([desc(orders, 'a', 0), desc(email, 'x', 1), desc(orders, 'b', 2)].map((change) => ({ channel: 'docs', change })))
    expect(ops).toHaveLength(2)
    expect(ops[0]).toMatchObject({ id: 'docs|svc.db.sales.orders|description', kind: 'description', description: 'b' })
    expect(ops[0]!.origins.map((o) => o.eventId)).toEqual(['e0', 'e2'])
    expect(ops[1]).toMatchObject({ kind: 'description', description: 'x', asset: email })
  })

  it('orders by timestamp when every change has one, so an older event never wins', () => {
    const ops = planOperations([desc(orders, 'newer', 0, 2000), desc(orders, 'older', 1, 1000)].map((change) => ({ channel: 'c', change })))
    expect(ops[0]).toMatchObject({ description: 'newer' })
  })

  it('keeps input order when timestamps are missing', () => {
    const ops = planOperations([desc(orders, 'first', 0, 2000), desc(orders, 'second', 1)].map((change) => ({ channel: 'c', change })))
    expect(ops[0]).toMatchObject({ description: 'second' })
  })

  it('keeps a removal (null) as the desired state', () => {
    const ops = planOperations([desc(orders, 'a', 0), desc(orders, null, 1)].map((change) => ({ channel: 'c', change })))
    expect(ops[0]).toMatchObject({ description: null })
  })

  it('folds owner and tag additions and removals into a net effect', () => {
    const changes: Change[] = [
      { kind: 'owners', asset: orders, added: [alice], removed: [], origin: origin(0) },
      { kind: 'owners', asset: orders, added: [bob], removed: [alice], origin: origin(1) },
      { kind: 'tags', asset: email, added: [pii, tier], removed: [], origin: origin(2) },
      { kind: 'tags', asset: email, added: [], removed: [tier], origin: origin(3) },
    ]
    const ops = planOperations(changes.map((change) => ({ channel: 'c', change })))
    expect(ops[0]).toMatchObject({ kind: 'owners', add: [bob], remove: [alice] })
    expect(ops[1]).toMatchObject({ kind: 'tags', add: [pii], remove: [tier] })
  })

  it('plans one operation per channel for the same change', () => {
    const change = desc(orders, 'a', 0)
    const ops = planOperations([{ channel: 'one', change }, { channel: 'two', change }])
    expect(ops.map((o) => o.channel)).toEqual(['one', 'two'])
  })

  it('emits plain data that survives a JSON round trip', () => {
    const ops = planOperations([{ channel: 'c', change: desc(orders, 'a', 0) }])
    expect(JSON.parse(JSON.stringify(ops))).toEqual(ops)
  })
})
