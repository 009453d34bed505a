import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/load-config.js'
import { Worker } from '../../src/execution/worker.js'
import { openStore } from '../../src/store/open-store.js'
import type { SqlStateStore } from '../../src/store/sql-state-store.js'
import { createStore, storeKinds, type DurableStore } from '../support/durable-store.js'
import { serverUrl } from '../support/postgres-server.js'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js'
import { describeOp } from './store-support.js'

/**
 * The state store on a silent network times out instead of hanging, and recovers once the network
 * heals; a run whose process stopped before it queued anything is closed by a worker once older
 * than the lease, on either store.
 */
describe('a PostgreSQL store behind a silent network', () => {
  let store: DurableStore
  let proxy: TcpProxy

  beforeAll(async () => {
    store = await createStore('postgres', 'rm_store_silent')
    proxy = await startTcpProxy({ target: { host: serverUrl.host, port: serverUrl.port } })
  })

  afterAll(async () => {
    await proxy?.close()
    await store?.drop()
  })

  it('fails each call as retryable CONNECTION_FAILED within its timeouts, then works again once healed', async () => {
    const url = store.config.url!.replace(`:${serverUrl.port}/`, `:${proxy.port}/`)
    const opened = await openStore({ url, poolSize: 2, connectTimeoutMs: 500, queryTimeoutMs: 500 })
    try {
      const runId = await opened.createRun('apply', 'before the silence')
      proxy.blackhole(true)
      // A plain query on the connection that went silent, then a transaction on a new one that never answers.
      await expect(opened.listRuns(5)).rejects.toMatchObject({ code: 'CONNECTION_FAILED', retryable: true, message: expect.stringMatching(/timeout/i) })
      await expect(opened.enqueue(runId, [describeOp('t1', 'x')])).rejects.toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
      await expect(opened.finishRun(runId)).rejects.toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
      expect(proxy.stats.blackholed).toBeGreaterThan(0)
      proxy.blackhole(false)
      // The silent connections were discarded, not reused: the store answers on fresh ones.
      expect((await opened.finishRun(runId)).finishedAt).toBeInstanceOf(Date)
      expect((await opened.listRuns(5)).map((run) => run.note)).toContain('before the silence')
    } finally {
      proxy.blackhole(false)
      await opened.close()
    }
  })
})

describe.each(storeKinds)('a run left open by a process that stopped, on %s', (kind) => {
  const stores: DurableStore[] = []
  afterAll(async () => {
    for (const s of stores) await s.drop()
  })

  // The embedded store is shared by processes too now: a run is closed by a worker only once
  // older than the lease, whatever the store (a live process's fresh run stays open).
  it('is closed by a worker once older than the lease, with a note when it queued nothing; a fresh one and one with work pending stay open', async () => {
    const store = await createStore(kind, 'rm_abandoned')
    stores.push(store)
    const config = await resolveConfig(
      { store: store.config, execution: { leaseMs: 60_000 }, services: [{ name: 'warehouse', type: 'postgres', connection: {} }] },
      { source: 'test', baseDir: process.cwd(), env: {} },
    )
    await store.with(async (s) => {
      const fresh = await s.createRun('apply')
      const stale = await s.createRun('webhook', 'killed early')
      const runner = (s as SqlStateStore).sqlRunner
      const backdate = (id: number) => runner.query(`UPDATE ${runner.dialect.tables('revmeta')}.runs SET started_at = $1 WHERE id = $2`, [new Date(Date.now() - 120_000), id])
      await backdate(stale)
      await new Worker(s, config, { untilIdle: { waitForRetriesMs: 0 } }).run()
      expect((await s.getRun(fresh))?.finishedAt, 'a live process may still queue into its fresh run').toBeUndefined()
      // One with work pending (of a service no worker here serves) is left to the workers.
      const busy = await s.createRun('apply')
      await s.enqueue(busy, [describeOp('t1', 'x', { service: 'lake' })])
      await backdate(busy)
      expect(await s.closeAbandonedRuns(60_000)).toEqual([])
      expect((await s.getRun(busy))?.finishedAt).toBeUndefined()
      const closed = await s.getRun(stale)
      expect(closed?.finishedAt).toBeInstanceOf(Date)
      expect(closed?.note).toBe('killed early; abandoned: its process stopped before it queued anything')
      expect(closed?.counts).toMatchObject({ total: 0, applied: 0 })
    })
  })
})
