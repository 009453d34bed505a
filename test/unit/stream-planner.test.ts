import { describe, expect, it } from 'vitest'
import type { AssetRef } from '../../src/model/asset.js'
import type { Change, OwnerRef, TagLabel } from '../../src/model/change.js'
import { planOperations, type RoutedChange } from '../../src/planning/planner.js'
import { StreamingPlanner } from '../../src/planning/stream-planner.js'

/** A small seeded generator, so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const assets: AssetRef[] = [
  { level: 'database', service: 'svc', database: 'db' },
  { level: 'schema', service: 'svc', database: 'db', schema: 'sales' },
  { level: 'table', service: 'svc', database: 'db', schema: 'sales', table: 'orders' },
  { level: 'table', service: 'svc', database: 'db', schema: 'sales', table: 'dotted.name' },
  { level: 'column', service: 'svc', database: 'db', schema: 'sales', table: 'orders', column: 'id' },
  { level: 'column', service: 'svc', database: 'db', schema: 'sales', table: 'orders', column: 'email' },
  { level: 'table', service: 'other', database: 'db', schema: 'public', table: 'users' },
]
const tags: TagLabel[] = [
  { tagFQN: 'PII.Sensitive', source: 'Classification' },
  { tagFQN: 'Tier.Tier1', source: 'Classification', labelType: 'Manual' },
  { tagFQN: 'Glossary.Customer', source: 'Glossary' },
  // Same FQN from another source: a different item.
  { tagFQN: 'PII.Sensitive', source: 'Glossary' },
]
const owners: OwnerRef[] = [
  { type: 'user', name: 'alice' },
  { type: 'user', name: 'bob', email: 'bob@example.com' },
  { type: 'team', name: 'alice' },
]

type Timestamps = 'none' | 'ordered'

function generate(seed: number, count: number, timestamps: Timestamps): RoutedChange[] {
  const random = rng(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const subset = <T>(list: readonly T[]): T[] => list.filter(() => random() < 0.35)
  let clock = 1_700_000_000_000
  const out: RoutedChange[] = []
  for (let index = 0; index < count; index++) {
    // Ties are kept on purpose: a stable sort must leave them in arrival order.
    if (random() < 0.7) clock += Math.floor(random() * 1000)
    const origin = { source: 'event' as const, index, eventId: `e${index}`, ...(timestamps === 'ordered' ? { timestamp: clock } : {}) }
    const asset = pick(assets)
    const sqlTemplate = random() < 0.2 ? `-- template ${index}` : undefined
    const base = { asset, origin, ...(sqlTemplate === undefined ? {} : { sqlTemplate }) }
    const roll = random()
    let change: Change
    if (roll < 0.4) change = { ...base, kind: 'description', after: random() < 0.15 ? null : `text ${index} [with] "quotes"` }
    else if (roll < 0.7) change = { ...base, kind: 'tags', added: subset(tags), removed: subset(tags) }
    else change = { ...base, kind: 'owners', added: subset(owners), removed: subset(owners) }
    const channel = pick(['docs', 'governance', 'docs'])
    out.push({ channel, change })
    // The same change routed to a second channel, as route-changes does for overlapping channels.
    if (random() < 0.1) out.push({ channel: channel === 'docs' ? 'governance' : 'docs', change })
  }
  return out
}

function streamed(routed: readonly RoutedChange[]) {
  const planner = new StreamingPlanner()
  for (const r of routed) planner.add(r)
  return planner.flush()
}

describe('StreamingPlanner', () => {
  for (const timestamps of ['none', 'ordered'] as const) {
    it(`plans exactly what planOperations plans (timestamps: ${timestamps})`, () => {
      for (let seed = 1; seed <= 60; seed++) {
        const routed = generate(seed, 5 + seed * 7, timestamps)
        const batch = planOperations(routed)
        // toStrictEqual also catches a key present as undefined on one side only.
        expect(streamed(routed), `seed ${seed}`).toStrictEqual(batch)
      }
    })
  }

  it('holds one draft per (channel, asset, kind), however many changes arrive', () => {
    const planner = new StreamingPlanner()
    const routed = generate(7, 5000, 'none')
    for (const r of routed) planner.add(r)
    const keys = new Set(routed.map((r) => `${r.channel}|${r.change.asset.table}|${r.change.asset.column}|${r.change.asset.level}|${r.change.asset.service}|${r.change.kind}`))
    expect(planner.pending).toBe(keys.size)
    expect(planner.pending).toBeLessThanOrEqual(2 * assets.length * 3)
  })

  it('starts empty after a flush, and later flushes carry the newer state', () => {
    const asset = assets[2]!
    const change = (after: string, index: number): RoutedChange => ({ channel: 'c', change: { kind: 'description', asset, after, origin: { source: 'event', index } } })
    const planner = new StreamingPlanner()
    planner.add(change('old', 0))
    expect(planner.flush()).toMatchObject([{ description: 'old', origins: [{ index: 0 }] }])
    expect(planner.pending).toBe(0)
    expect(planner.flush()).toEqual([])
    planner.add(change('new', 1))
    expect(planner.flush()).toMatchObject([{ description: 'new', origins: [{ index: 1 }] }])
  })

  it('keeps the newest value whatever the arrival order, as the batch planner does', () => {
    const asset = assets[2]!
    const routed: RoutedChange[] = [
      { channel: 'c', change: { kind: 'description', asset, after: 'newer', origin: { source: 'event', index: 0, timestamp: 2000 } } },
      { channel: 'c', change: { kind: 'description', asset, after: 'older', origin: { source: 'event', index: 1, timestamp: 1000 } } },
    ]
    expect(planOperations(routed)[0]).toMatchObject({ description: 'newer' })
    expect(streamed(routed)[0]).toMatchObject({ description: 'newer' })
  })
})
