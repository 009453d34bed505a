import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/open-store.js'
import type { StateStore, StoredOperation } from '../../src/store/state-store.js'
import { describeOp, lockTimeout, postgresTarget, report } from './store-support.js'

/** Several workers, each with its own connection pool, sharing one PostgreSQL store. */
describe('several workers on one PostgreSQL store', () => {
  const t = postgresTarget()
  beforeAll(() => t.setup())
  afterAll(() => t.teardown())

  async function workers(schema: string, n: number): Promise<StateStore[]> {
    return Promise.all(Array.from({ length: n }, () => openStore({ ...t.config(), schema, poolSize: 3 })))
  }

  it('never hands the same operation to two claimers (the queue lock), over thousands of operations', async () => {
    const [producer, ...claimers] = await workers('skip_locked', 4)
    try {
      const run = await producer!.createRun('apply')
      await producer!.enqueue(run, Array.from({ length: 4_000 }, (_, i) => describeOp(`t${i}`, `v${i}`, { service: i % 2 ? 'warehouse' : 'lake' })))
      const seen: number[][] = claimers.map(() => [])
      await Promise.all(
        claimers.map(async (store, w) => {
          for (;;) {
            const batch = await store.claim(`w${w}`, { limit: 37 })
            if (batch.length === 0 && (await store.unsettled(run)) === 0) return
            seen[w]!.push(...batch.map((o) => o.id))
            await store.settle(`w${w}`, batch.map((o) => ({ id: o.id, status: 'applied' as const, report: report(o, 'applied') })))
          }
        }),
      )
      const all = seen.flat()
      expect(all).toHaveLength(4_000)
      expect(new Set(all).size).toBe(4_000)
      for (const ids of seen) expect(ids.length).toBeGreaterThan(0)
      expect((await producer!.finishRun(run)).counts).toMatchObject({ applied: 4_000, total: 4_000 })
    } finally {
      await Promise.all([producer, ...claimers].map((s) => s!.close()))
    }
  })

  it('keeps per-key order and per-service caps while new changes keep arriving', async () => {
    const [producer, ...claimers] = await workers('ordering', 4)
    const keys = 60
    const versions = 8
    const cap = 3
    try {
      const run = await producer!.createRun('apply')
      const inFlightKeys = new Set<string>()
      const inFlightPerService = new Map<string, number>()
      const applied = new Map<string, number[]>()
      const violations: string[] = []
      let producing = true
      let retriesTotal = 0
      const produce = (async () => {
        for (let v = 1; v <= versions; v++) {
          await producer!.enqueue(run, Array.from({ length: keys }, (_, k) => describeOp(`k${k}`, String(v), { service: k % 3 ? 'warehouse' : 'lake' })))
          // Wait until this version starts landing, so the next one meets running operations,
          // pending retries and pending ones alike, however slow the machine is.
          for (let waited = 0; waited < 5_000 && ![...applied.values()].some((a) => a.includes(v)); waited += 5) {
            await new Promise((resolve) => setTimeout(resolve, 5))
          }
        }
        producing = false
      })()
      const work = async (store: StateStore, w: number) => {
        let retries = w
        for (;;) {
          const batch = await store.claim(`w${w}`, { limit: 10, maxRunningPerService: { warehouse: cap } })
          if (batch.length === 0) {
            if (!producing && (await store.unsettled(run)) === 0) return
            await new Promise((resolve) => setTimeout(resolve, 5))
            continue
          }
          for (const o of batch) {
            if (inFlightKeys.has(o.key)) violations.push(`key ${o.key} claimed twice at once`)
            inFlightKeys.add(o.key)
            inFlightPerService.set(o.service, (inFlightPerService.get(o.service) ?? 0) + 1)
          }
          if ((inFlightPerService.get('warehouse') ?? 0) > cap) violations.push(`warehouse over cap: ${inFlightPerService.get('warehouse')}`)
          await new Promise((resolve) => setTimeout(resolve, 2))
          const settle = batch.map((o: StoredOperation) => {
            inFlightKeys.delete(o.key)
            inFlightPerService.set(o.service, inFlightPerService.get(o.service)! - 1)
            // Every so often an attempt fails for a while: the retry must still land before newer versions.
            if (o.attempts === 1 && retries++ % 7 === 0 && ++retriesTotal) return { id: o.id, status: 'retry' as const, report: report(o, 'failed'), error: lockTimeout, runAt: new Date() }
            const version = Number(o.op.kind === 'description' ? o.op.description : NaN)
            applied.set(o.key, [...(applied.get(o.key) ?? []), version])
            return { id: o.id, status: 'applied' as const, report: report(o, 'applied') }
          })
          await store.settle(`w${w}`, settle)
        }
      }
      await Promise.all([produce, ...claimers.map((s, w) => work(s!, w))])
      // The run really interleaved: retries happened, and keys saw several versions applied.
      expect(retriesTotal).toBeGreaterThan(0)
      expect([...applied.values()].some((a) => a.length > 1)).toBe(true)
      expect(violations).toEqual([])
      expect(applied.size).toBe(keys)
      for (const [key, seq] of applied) {
        expect(seq, key).toEqual([...seq].sort((a, b) => a - b))
        expect(seq.at(-1), key).toBe(versions)
      }
    } finally {
      await Promise.all([producer, ...claimers].map((s) => s!.close()))
    }
  })
})
