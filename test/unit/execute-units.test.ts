import { displayOf } from '../../src/model/statement.js'
import { describe, expect, it } from 'vitest'
import type { ConnectorClient, Statement, UnitResult } from '../../src/connectors/connector.js'
import { executeUnits } from '../../src/engine/execute-units.js'
import { backoffDelay } from '../../src/retry/backoff-delay.js'
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
        const outcome = outcomes[displayOf(u[0]!)]!.shift() ?? 'ok'
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
