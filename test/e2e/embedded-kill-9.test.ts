import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exitWatch, killStarted, listRuns, startRevmeta, waitUntil, writeConfig, writeEvents } from '../support/durable-cli.js'
import { auditByOperation, createStore, notExactlyOnce, readStoreState, statusCounts, storeKinds, type DurableStore } from '../support/durable-store.js'
import { createTarget, expectedComments, tableEvents, type TableEdit, type Target } from '../support/durable-target.js'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js'

/**
 * Two `revmeta apply` processes on one embedded store, each with its own events; one is killed
 * with SIGKILL mid-apply. The other finishes its run undisturbed, and the next process (`revmeta
 * worker --drain`) takes over what the killed one held once its lease ran out: every comment ends
 * as the events say, every operation landed exactly once.
 *
 * The target is reached through a proxy adding 30 ms per round trip, so the kill lands while
 * batches are in flight (statements sent, not yet settled) in the killed process.
 */
const embedded = storeKinds.find((k) => k !== 'postgres')!
const TABLES = 20
const COLUMNS = 29 // 20 × (1 table + 29 columns) = 600 operations, 300 per process

let target: Target
let store: DurableStore
let proxy: TcpProxy

beforeAll(async () => {
  target = await createTarget('rm_kill2', { tables: TABLES, columns: COLUMNS })
  store = await createStore(embedded, 'rm_kill2')
  proxy = await startTcpProxy({ target: { host: '127.0.0.1', port: 5432 }, latencyMs: 30 })
}, 60_000)

afterAll(async () => {
  killStarted()
  await proxy?.close()
  await store?.drop()
  await target?.drop()
})

describe('kill -9 of one of two processes applying on one embedded store', () => {
  it('the survivor finishes its run, the next process the killed one’s: all exactly once', async () => {
    const half = TABLES / 2
    const edit = (tables: readonly string[], tag: string): TableEdit[] =>
      tables.map((t) => ({ table: t, description: `${tag} ${t}`, columns: Object.fromEntries(target.columns.map((c) => [c, `${tag} ${t}.${c} ‘q’ 'x'`])) }))
    const killedEdits = edit(target.tables.slice(0, half), 'killed')
    const survivorEdits = edit(target.tables.slice(half), 'survivor')
    const expected = expectedComments([...killedEdits, ...survivorEdits])
    const perProcess = half * (COLUMNS + 1)
    const config = await writeConfig(store, target, { connection: { port: proxy.port }, execution: { batchSize: 20, leaseMs: 1_500 } })

    const victim = startRevmeta('apply', '--config', config, '--events', await writeEvents(store, tableEvents(target, killedEdits)), '--json')
    const survivor = startRevmeta('apply', '--config', config, '--events', await writeEvents(store, tableEvents(target, survivorEdits)), '--json')
    const victimTables = new Set(target.tables.slice(0, half))
    const victimComments = async () => [...(await target.comments()).keys()].filter((k) => victimTables.has(k.split('.')[0]!)).length
    await waitUntil('the victim to land some of its comments', async () => (await victimComments()) >= 60, { intervalMs: 10, timeoutMs: 90_000, abortIf: exitWatch(victim) })
    victim.child.kill('SIGKILL')
    expect((await victim.exited).signal).toBe('SIGKILL')
    const atKill = await victimComments()

    const done = await survivor.exited
    expect(done.code, done.stderr.slice(-3_000)).toBe(0)
    expect(done.stderr).not.toMatch(/STORE_LOCKED|SQLITE_BUSY/)
    // The survivor ran its own run to the end; what else it picked up along the way is a bonus.
    expect(JSON.parse(done.stdout).summary).toMatchObject({ failed: 0 })

    proxy.setLatency(0)
    const next = startRevmeta('worker', '--config', config, '--drain')
    const drained = await next.exited
    expect(drained.code, drained.stderr.slice(-3_000)).toBe(0)

    expect(await target.comments()).toEqual(expected)
    const runs = await listRuns(config)
    const applies = runs.filter((r) => r.mode === 'apply')
    expect(applies).toHaveLength(2)
    for (const run of applies) expect(run.counts).toMatchObject({ total: perProcess, applied: perProcess, pending: 0, running: 0, dead: 0 })

    const { operations, audit } = await readStoreState(store)
    expect(operations).toHaveLength(2 * perProcess)
    expect(statusCounts(operations)).toEqual({ applied: 2 * perProcess })
    expect(notExactlyOnce(operations, audit)).toEqual([])
    expect(audit.filter((a) => a.outcome === 'sent')).toEqual([])
    // What the audit says landed is what the target holds.
    const byOp = auditByOperation(audit)
    for (const op of operations) {
      const key = op.op.asset.column === undefined ? op.op.asset.table! : `${op.op.asset.table}.${op.op.asset.column}`
      const landed = byOp.get(op.id)!.find((r) => r.outcome === 'applied' || r.outcome === 'recovered')!
      expect(landed.after ?? null, key).toBe(expected.get(key) ?? null)
    }
    expect(atKill, 'killed mid-run').toBeLessThan(perProcess)
    // The kill caught work in flight: taken over after it (attempted again, or found in place by read-back).
    const caught = operations.filter((o) => o.attempts > 1 || byOp.get(o.id)!.some((r) => r.outcome === 'recovered')).length
    expect(caught, 'some operations were caught by the kill').toBeGreaterThan(0)
    console.log(`[embedded, two processes] kill at ${atKill} of ${perProcess} victim comments; ${caught} operations taken over`)
  }, 180_000)
})
