import { displayOf } from '../../src/model/statement.js'
import { describe, expect, it } from 'vitest'
import type { ConnectorClient, Statement, UnitResult } from '../../src/connectors/connector.js'
import { executeUnits } from '../../src/engine/execute-units.js'
import { backoffDelay } from '../../src/retry/backoff-delay.js'
import { KeyedPacer } from '../../src/retry/keyed-pacer.js'
import { RevmetaError } from '../../src/errors/revmeta-error.js'

const stmt = (sql: string): Statement => ({ kind: 'sql', database: 'd', sql })

/** A client whose units fail as scripted: each entry is the outcomes of one unit, attempt by attempt. */
function scripted(outcomes: Record<string, ('ok' | 'LOCK_TIMEOUT' | 'PRIVILEGE')[]>): ConnectorClient & { calls: string[][] } {
  const calls: string[][] = []
  return {
    calls,
    async execute(_db, units) {
      calls.push(units.map((u) => displayOf(u[0]!)))
      return units.map((u): UnitResult => {
        const outcome = outcomes[displayOf(u[0]!)]?.shift() ?? 'ok'
        return outcome === 'ok' ? { ok: true } : { ok: false, error: new RevmetaError(outcome, outcome) }
      })
    },
    async readBack() {
      return new Map()
    },
    async close() {},
  }
}

const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }

describe('executeUnits', () => {
  it('retries only retryable failures, and only the units that failed', async () => {
    const client = scripted({ a: ['ok'], b: ['LOCK_TIMEOUT', 'ok'], c: ['PRIVILEGE'] })
    const { results, attempts } = await executeUnits(client, 'd', [[stmt('a')], [stmt('b')], [stmt('c')]], fast)
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'ok', 'PRIVILEGE'])
    expect(attempts).toEqual([1, 2, 1])
    expect(client.calls).toEqual([['a', 'b', 'c'], ['b']])
  })

  it('gives up after the configured attempts with the last error', async () => {
    const client = scripted({ a: ['LOCK_TIMEOUT', 'LOCK_TIMEOUT', 'LOCK_TIMEOUT', 'ok'] })
    const { results, attempts } = await executeUnits(client, 'd', [[stmt('a')]], fast)
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'LOCK_TIMEOUT', retryable: true } })
    expect(attempts).toEqual([3])
  })

  it('backs off exponentially, capped, with jitter below the ceiling', () => {
    const policy = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1000 }
    for (let i = 0; i < 50; i++) {
      expect(backoffDelay(policy, 1)).toBeLessThanOrEqual(100)
      expect(backoffDelay(policy, 3)).toBeLessThanOrEqual(400)
      expect(backoffDelay(policy, 9)).toBeLessThanOrEqual(1000)
    }
  })
})

describe('executeUnits with an engine rate limit (pacing)', () => {
  const api = (path: string): Statement => ({ kind: 'api', endpoint: 'e', method: 'PATCH', path, display: `PATCH ${path}` })
  // A fake clock: sleeping advances it, so nothing waits and no timing is asserted.
  function clock() {
    const c = { t: 0, slept: [] as number[] }
    return { c, now: () => c.t, sleep: async (ms: number) => void (c.slept.push(ms), (c.t += ms)) }
  }

  it('sends at most `limit` units per key in any window, waits for the window, and leaves other keys and unkeyed units alone', async () => {
    const { c, now, sleep } = clock()
    const pacer = new KeyedPacer(5, 10_000, now, sleep)
    const pacing = { limit: 5, windowMs: 10_000, keyOf: (s: Statement) => (s.kind === 'api' ? s.path : undefined) }
    const client = scripted({})
    const units = [...Array.from({ length: 7 }, () => [api('/t/a')]), [api('/t/b')], [stmt('x')]]
    const { results } = await executeUnits(client, 'e', units, fast, { pacing, pacer })
    expect(results.every((r) => r.ok)).toBe(true)
    expect(client.calls).toEqual([['PATCH /t/a', 'PATCH /t/a', 'PATCH /t/a', 'PATCH /t/a', 'PATCH /t/a', 'PATCH /t/b', 'x'], ['PATCH /t/a', 'PATCH /t/a']])
    expect(c.slept).toEqual([10_000])
  })

  it('counts across calls (the next batch of a session) and paces retries too', async () => {
    const { c, now, sleep } = clock()
    const pacer = new KeyedPacer(2, 10_000, now, sleep)
    const pacing = { limit: 2, windowMs: 10_000, keyOf: (s: Statement) => (s.kind === 'api' ? s.path : undefined) }
    const client = scripted({ 'PATCH /t/a': ['LOCK_TIMEOUT', 'ok', 'ok'] })
    await executeUnits(client, 'e', [[api('/t/a')], [api('/t/a')]], fast, { pacing, pacer })
    // Two starts used the window; the retry of the first waited for it to open.
    expect(client.calls).toEqual([['PATCH /t/a', 'PATCH /t/a'], ['PATCH /t/a']])
    expect(c.slept.filter((ms) => ms >= 1_000)).toHaveLength(1)
    // The retry's start still counts in the next call: of two more, the second waits.
    await executeUnits(client, 'e', [[api('/t/a')], [api('/t/a')]], fast, { pacing, pacer })
    expect(client.calls.slice(2)).toEqual([['PATCH /t/a'], ['PATCH /t/a']])
    expect(c.slept.filter((ms) => ms >= 1_000)).toHaveLength(2)
  })
})

describe('executeUnits with a client that combines units of one key', () => {
  it('counts one start per key and call, however many units share it', async () => {
    const slept: number[] = []
    let t = 0
    const pacer = new KeyedPacer(1, 10_000, () => t, async (ms) => void (slept.push(ms), (t += ms)))
    const pacing = { limit: 1, windowMs: 10_000, combinesPerKey: true, keyOf: (s: Statement) => (s.kind === 'api' ? s.path : undefined) }
    const api = (path: string): Statement => ({ kind: 'api', endpoint: 'e', method: 'PATCH', path, display: `PATCH ${path}` })
    const client = scripted({})
    await executeUnits(client, 'e', [[api('/t/a')], [api('/t/a')], [api('/t/a')], [api('/t/b')]], fast, { pacing, pacer })
    expect(client.calls).toEqual([['PATCH /t/a', 'PATCH /t/a', 'PATCH /t/a', 'PATCH /t/b']])
    expect(slept).toEqual([])
    // The next call on /t/a waits for the window: that one start used it up.
    await executeUnits(client, 'e', [[api('/t/a')]], fast, { pacing, pacer })
    expect(slept).toEqual([10_000])
  })
})
