import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exitWatch, killStarted, listRuns, startRevmeta, waitUntil, writeConfig, writeEvents, type Report } from '../support/durable-cli.js'
import { auditByOperation, createStore, notExactlyOnce, readStoreState, statusCounts, storeKinds, type DurableStore } from '../support/durable-store.js'
import { createTarget, expectedComments, tableEvents, type TableEdit, type Target } from '../support/durable-target.js'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js'

/**
 * The target reached through a proxy that drops every connection (TCP reset) three times while a
 * long `revmeta apply` runs: the run recovers by itself (retries after small backoffs, new
 * connections), ends with every operation applied and verified, and says which ones it retried.
 */
const TABLES = 20
const COLUMNS = 29 // 600 operations
const DROPS = 3

describe.each(storeKinds)('connections dropped mid-run, %s store', (kind) => {
  let target: Target
  let store: DurableStore
  let proxy: TcpProxy

  beforeAll(async () => {
    target = await createTarget(`rm_drop_${kind}`, { tables: TABLES, columns: COLUMNS })
    store = await createStore(kind, `rm_drop_${kind}`)
    // Latency keeps a statement in flight on each connection most of the time, so a drop hits work.
    proxy = await startTcpProxy({ target: { host: '127.0.0.1', port: 5432 }, latencyMs: 30 })
  })

  afterAll(async () => {
    killStarted()
    await proxy?.close()
    await store?.drop()
    await target?.drop()
  })

  it('finishes by itself with everything applied and verified, the retries on record', async () => {
    const edits: TableEdit[] = target.tables.map((t) => ({ table: t, description: `table ${t}`, columns: Object.fromEntries(target.columns.map((c) => [c, `column ${t}.${c}`])) }))
    const events = await writeEvents(store, tableEvents(target, edits))
    const config = await writeConfig(store, target, {
      connection: { port: proxy.port, connectTimeoutMs: 5_000 },
      execution: { batchSize: 25, retryBaseMs: 50, retryMaxMs: 200, breaker: { failures: 3, cooldownMs: 200 } },
    })

    const apply = startRevmeta('apply', '--config', config, '--events', events, '--json')
    const alive = exitWatch(apply)
    const connectionsBefore: number[] = []
    for (let drop = 1; drop <= DROPS; drop++) {
      // Spread over the run: after a sixth, two sixths and three sixths of the comments landed.
      await waitUntil(`comments before drop ${drop}`, async () => (await target.countComments()) >= (drop * edits.length * (COLUMNS + 1)) / 6, { intervalMs: 10, abortIf: alive })
      connectionsBefore.push(proxy.stats.connections)
      proxy.dropAll('reset')
    }
    const { code, stdout, stderr } = await apply.exited
    expect(code, stderr).toBe(0)
    const report = JSON.parse(stdout) as Report

    // The run finished by itself: everything applied and verified, nothing left queued.
    expect(report.summary).toMatchObject({ total: 600, applied: 600, verified: 600, queued: 0, failed: 0 })
    expect(await target.comments()).toEqual(expectedComments(edits))
    // Each drop was followed by new connections through the proxy.
    expect(proxy.stats.connections).toBeGreaterThan(connectionsBefore.at(-1)!)

    // The retries: operations attempted more than once, named in the report and in the audit.
    const { operations, audit } = await readStoreState(store)
    expect(statusCounts(operations)).toEqual({ applied: 600 })
    const retried = operations.filter((o) => o.attempts > 1)
    expect(retried.length, 'the drops hit operations in flight').toBeGreaterThan(0)
    const byAsset = new Map(report.operations.map((o) => [o.asset, o]))
    for (const op of retried) expect(byAsset.get(op.key.split('|')[1]!)!.warnings.join('\n')).toMatch(new RegExp(`took ${op.attempts} attempts`))
    const byOp = auditByOperation(audit)
    const auditedRetries = retried.filter((o) => (byOp.get(o.id) ?? []).some((r) => r.outcome === 'failed' || r.outcome === 'recovered'))
    console.log(`[${kind}] ${retried.length} operations retried, ${auditedRetries.length} with a statement sent before a drop`)
    for (const op of auditedRetries) {
      // The audit names the attempts: either the drop broke an attempt before its statement landed
      // (that row failed, the last attempt's applied), or after (that row recovered: the next
      // attempt found it in place by read-back and sent nothing).
      const rows = byOp.get(op.id)!
      const landed = rows.find((r) => r.outcome === 'applied' || r.outcome === 'recovered')!
      if (landed.outcome === 'applied') expect([landed.attempt, rows.filter((r) => r !== landed).every((r) => r.outcome === 'failed' && r.attempt < op.attempts)]).toEqual([op.attempts, true])
      else expect([landed.attempt < op.attempts, rows.at(-1)]).toEqual([true, landed])
    }
    // Whatever the drops broke, each operation landed exactly once.
    expect(notExactlyOnce(operations, audit)).toEqual([])
    expect(audit.filter((a) => a.outcome === 'sent')).toEqual([])

    const runs = await listRuns(config)
    expect(runs[0]).toMatchObject({ mode: 'apply', counts: { total: 600, applied: 600, verified: 600, pending: 0, running: 0, dead: 0 } })
  }, 120_000)
})
