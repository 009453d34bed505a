import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/load-config.js'
import { planEventStream, type PlannedFlush } from '../../src/engine/plan-event-stream.js'
import { planInput } from '../../src/engine/plan-input.js'
import { normalizeChangeEvents } from '../../src/inputs/normalize-change-events.js'
import type { Operation } from '../../src/model/operation.js'
import { changeEvent, tag } from '../support/om-events.js'

const config = await resolveConfig(
  { services: [{ name: 'svc', type: 'postgres', connection: {} }], channels: [{ name: 'main', services: ['svc'], sync: { descriptions: true, tags: true } }] },
  { source: 'test', baseDir: '/tmp', env: {} },
)

/** A mixed feed: the same assets edited again and again, tags, an unknown service, an echo and noise. */
function feed(): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = []
  for (let round = 0; round < 4; round++) {
    for (let t = 0; t < 5; t++) {
      const fqn = `svc.db.s.t${t}`
      events.push(changeEvent('table', fqn, { updated: [{ name: 'description', oldValue: `r${round - 1}`, newValue: `table ${t} round ${round}` }] }))
      events.push(changeEvent('table', fqn, { updated: [{ name: 'columns.c.description', oldValue: '', newValue: `column round ${round}` }] }))
      if (round % 2 === 0) events.push(changeEvent('table', fqn, { added: [{ name: 'tags', newValue: JSON.stringify([tag(`T.r${round}`)]) }] }))
    }
  }
  events.push(changeEvent('table', 'nowhere.db.s.t', { updated: [{ name: 'description', newValue: 'x' }] }))
  events.push(changeEvent('table', 'svc.db.s.t0', { updated: [{ name: 'description', newValue: 'by the bot' }] }, { userName: 'ingestion-bot' }))
  events.push(changeEvent('dashboard', 'svc.dash', { updated: [{ name: 'description', newValue: 'x' }] }))
  return events
}

const jsonLines = (events: unknown[], extra: string[] = []) => Readable.from([...events.map((e) => JSON.stringify(e)), ...extra].map((l) => `${l}\n`))

/** What applying operations in order leaves per key: the last operation's payload wins for a description. */
function finalState(ops: readonly Operation[]): Map<string, unknown> {
  const state = new Map<string, unknown>()
  for (const op of ops) {
    if (op.kind === 'description') state.set(op.id, op.description)
    else if (op.kind === 'tags') {
      const held = new Set((state.get(op.id) as Set<string> | undefined) ?? [])
      for (const t of op.remove) held.delete(t.tagFQN)
      for (const t of op.add) held.add(t.tagFQN)
      state.set(op.id, held)
    }
  }
  return state
}

describe('planEventStream', () => {
  it('flushes at the pending bound, and the flushes applied in order leave what the whole-file plan leaves', async () => {
    const events = feed()
    const flushes: PlannedFlush[] = []
    const plan = await planEventStream(config, jsonLines(events), async (f) => void flushes.push(f), { maxPending: 4 })
    const whole = planInput(config, { items: events.length, normalized: normalizeChangeEvents(events) })

    expect(flushes.length).toBeGreaterThan(3)
    for (const f of flushes) expect(f.operations.length).toBeLessThanOrEqual(4)
    expect(plan.flushes).toBe(flushes.length)
    expect(plan.operations).toBe(flushes.reduce((n, f) => n + f.operations.length, 0))
    expect(finalState(flushes.flatMap((f) => f.operations))).toEqual(finalState(whole.operations))
    expect(plan.ignored).toEqual(whole.ignored)
    expect(plan.rejected.map((r) => r.asset)).toEqual(whole.rejected.map((r) => r.asset))
    expect(plan.items).toBe(events.length)
    expect(plan.errors).toEqual([])
    // Without keepEvents no raw event is held.
    expect(flushes.every((f) => f.events.length === 0)).toBe(true)
  })

  it('with a loose bound, plans exactly what the whole-file planner plans', async () => {
    const events = feed()
    const flushes: PlannedFlush[] = []
    await planEventStream(config, jsonLines(events), async (f) => void flushes.push(f))
    expect(flushes).toHaveLength(1)
    const whole = planInput(config, { items: events.length, normalized: normalizeChangeEvents(events) })
    expect(flushes[0]!.operations).toEqual(whole.operations)
  })

  it('reports bad lines and malformed events by position and plans the rest', async () => {
    const good = changeEvent('table', 'svc.db.s.ok', { updated: [{ name: 'description', newValue: 'fine' }] })
    const bad = changeEvent('table', 'svc.db.s.bad', { updated: [{ name: 'description', newValue: 42 as unknown as string }] })
    const flushes: PlannedFlush[] = []
    const plan = await planEventStream(config, jsonLines([good, bad], ['{"cut off', JSON.stringify(good)]), async (f) => void flushes.push(f), { name: 'feed.jsonl' })
    expect(plan.items).toBe(4)
    expect(plan.errors.map((e) => [e.code, e.message.slice(0, 18)])).toEqual([
      ['INPUT_MALFORMED', 'Event 1 (id ' + String(bad.id).slice(0, 6)],
      ['INPUT_MALFORMED', 'feed.jsonl, line 3'],
    ])
    expect(flushes.flatMap((f) => f.operations).map((o) => o.fqn)).toEqual(['svc.db.s.ok'])
  })

  it('hands on the raw events with their ids when asked to keep them, never more than the bound at once', async () => {
    const events = feed()
    const flushes: PlannedFlush[] = []
    await planEventStream(config, jsonLines(events), async (f) => void flushes.push(f), { maxPending: 5, keepEvents: true })
    const kept = flushes.flatMap((f) => f.events)
    expect(kept.map((e) => e.id)).toEqual(events.map((e) => e.id))
    expect(kept[0]!.payload).toEqual(events[0])
    for (const f of flushes) expect(f.events.length).toBeLessThanOrEqual(5)
  })
})
