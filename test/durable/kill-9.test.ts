import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exitWatch, killStarted, listRuns, startRevmeta, waitUntil, writeConfig, writeEvents } from '../support/durable-cli.js'
import { auditByOperation, createStore, notExactlyOnce, readStoreState, statusCounts, storeKinds, type DurableStore } from '../support/durable-store.js'
import { createTarget, expectedComments, tableEvents, type TableEdit, type Target } from '../support/durable-target.js'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js'

/**
 * `kill -9` in the middle of a 2,000-operation `revmeta apply`, then `revmeta worker --drain`:
 * the final state is exact, nothing is lost, nothing is applied (or recorded) twice.
 *
 * The target is reached through a proxy that adds 40 ms per round trip, so after each batch
 * commits the worker spends ~100 ms reading it back before it settles: the kill, sent as soon as
 * the comments of a few hundred operations are visible, lands in that window, leaving operations
 * whose statements landed but which the store still holds as running, plus claimed ones not sent.
 */
const TABLES = 40
const COLUMNS = 49 // 40 × (1 table + 49 columns) = 2,000 operations

describe.each(storeKinds)('kill -9 during a 2,000-operation apply, %s store', (kind) => {
  let target: Target
  let store: DurableStore
  let proxy: TcpProxy

  beforeAll(async () => {
    target = await createTarget(`rm_kill_${kind}`, { tables: TABLES, columns: COLUMNS })
    store = await createStore(kind, `rm_kill_${kind}`)
    proxy = await startTcpProxy({ target: { host: '127.0.0.1', port: 5432 }, latencyMs: 40 })
  })

  afterAll(async () => {
    killStarted()
    await proxy?.close()
    await store?.drop()
    await target?.drop()
  })

  it('resumes after the restart: every comment is the last event’s value, each operation landed exactly once', async () => {
    const last = target.columns.at(-1)!
    // A comment the events delete, on every table: "no comment" must end as NULL too.
    await target.db.client.query(target.tables.map((t) => `COMMENT ON COLUMN sales.${t}.${last} IS 'stale'`).join(';'))
    const seeded = await target.comments()
    // Two events per table: the second overrides the description and every other column, and
    // deletes the last column's comment. Planning coalesces them: 2,000 operations.
    const first: TableEdit[] = target.tables.map((t) => ({ table: t, description: `first ${t}`, columns: Object.fromEntries(target.columns.map((c) => [c, `first ${t}.${c} ‘quoted’ 'x'`])) }))
    const second: TableEdit[] = target.tables.map((t) => ({
      table: t,
      description: `final ${t}`,
      columns: Object.fromEntries(target.columns.flatMap((c, i): [string, string | null][] => (c === last ? [[c, null]] : i % 2 === 0 ? [[c, `final ${t}.${c}`]] : []))),
    }))
    const expected = expectedComments([...first, ...second], seeded)
    const events = await writeEvents(store, tableEvents(target, [...first, ...second]))
    const config = await writeConfig(store, target, {
      connection: { port: proxy.port },
      execution: { batchSize: 25, leaseMs: 1_000 },
    })

    const apply = startRevmeta('apply', '--config', config, '--events', events, '--json')
    const killAt = seeded.size + 300
    await waitUntil('a few hundred comments in the target', async () => (await target.countComments()) >= killAt, { intervalMs: 5, timeoutMs: 90_000, abortIf: exitWatch(apply) })
    apply.child.kill('SIGKILL')
    const killed = await apply.exited
    expect(killed.signal).toBe('SIGKILL')
    const atKill = await target.comments()
    expect(atKill.size - seeded.size, 'killed mid-run').toBeLessThan(1_000)

    // The restart, on the same store and target: no latency, and larger batches, to be quick. Its
    // lease is long: what the killed process held is resumed at once because that process is gone
    // (same host, its pid no longer exists), not because a lease ran out.
    proxy.setLatency(0)
    const restartConfig = await writeConfig(store, target, { connection: { port: proxy.port }, execution: { batchSize: 250, leaseMs: 600_000 }, name: 'restart.yaml' })
    const restart = startRevmeta('worker', '--config', restartConfig, '--drain')
    const drained = await restart.exited
    expect(drained.code, drained.stderr).toBe(0)
    const resumed = [...drained.stderr.matchAll(/resumed (\d+) operation/g)].reduce((n, m) => n + Number(m[1]), 0)
    expect(resumed, `the restart took over what the killed process held:\n${drained.stderr}`).toBeGreaterThan(0)

    // Final state exact.
    expect(await target.comments()).toEqual(expected)

    // Nothing lost: the run's counts, and every stored operation.
    const runs = await listRuns(config)
    expect(runs).toHaveLength(1)
    expect(runs[0]!.mode).toBe('apply')
    expect(runs[0]!.counts).toMatchObject({ total: 2_000, applied: 2_000, verified: 2_000, pending: 0, running: 0, dead: 0 })
    const { operations, audit } = await readStoreState(store)
    expect(operations).toHaveLength(2_000)
    expect(statusCounts(operations)).toEqual({ applied: 2_000 })

    // Nothing applied twice: one landed audit row per operation, nothing left `sent`.
    expect(notExactlyOnce(operations, audit)).toEqual([])
    expect(audit.filter((a) => a.outcome === 'sent')).toEqual([])
    const byOp = auditByOperation(audit)
    let recovered = 0
    let resent = 0
    for (const op of operations) {
      const rows = byOp.get(op.id)!
      const landed = rows.find((r) => r.outcome === 'applied' || r.outcome === 'recovered')!
      // What the audit says landed is what the target holds.
      const key = op.op.asset.column === undefined ? op.op.asset.table! : `${op.op.asset.table}.${op.op.asset.column}`
      expect(landed.after ?? null, key).toBe(expected.get(key) ?? null)
      if (landed.outcome === 'recovered') {
        recovered++
        // Found in place after the restart: nothing sent again, reported as already in place.
        expect(rows, key).toHaveLength(1)
        expect(op.attempts, key).toBeGreaterThan(landed.attempt)
        expect(op.report).toMatchObject({ status: 'unchanged', statements: [] })
      } else if (rows.length > 1) {
        resent++
        // Sent before the kill but rolled back with the connection: sent again, once.
        expect(rows.slice(0, -1).every((r) => r.outcome === 'failed' && r.attempt < landed.attempt), key).toBe(true)
      }
    }
    expect(recovered + resent + operations.filter((o) => o.attempts > 1).length, 'some operations were caught by the kill').toBeGreaterThan(0)
    console.log(`[${kind}] kill at ${atKill.size - seeded.size} comments: ${recovered} recovered by read-back, ${resent} sent again, ${resumed} resumed`)
  }, 120_000)
})
